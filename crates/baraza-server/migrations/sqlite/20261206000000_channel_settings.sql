-- Whether a poll counts only answers that carry one of its voucher codes (set per poll on the
-- admin site's channel settings, beside the SMS keyword and the USSD service code).
ALTER TABLE poll_channels ADD COLUMN voucher_required BOOLEAN NOT NULL DEFAULT FALSE;
