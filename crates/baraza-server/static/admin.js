// The admin site's only script, served from /admin/static/admin.js (no inline script, so a
// strict Content-Security-Policy holds). Progressive enhancement: every page works without it.
//
// Copy buttons: a <button data-copy-from="ID" hidden> copies the text of element ID to the
// clipboard and says so in the page's role="status" region. The button stays hidden unless
// this script runs, so people without JavaScript are not offered a button that does nothing.

// A page sent back with problems: move focus to its error summary (GOV.UK pattern), so
// keyboard and screen-reader users start from the list of what to fix. Without this script
// the summary is still announced (role="alert") and first on the page.
document.querySelector('.error-summary')?.focus();

const status = document.querySelector('.copy-status');

function say(text) {
  if (status) status.textContent = text;
}

for (const button of document.querySelectorAll('button[data-copy-from]')) {
  const source = document.getElementById(button.dataset.copyFrom);
  if (!source) continue;
  button.hidden = false;
  button.addEventListener('click', async () => {
    const text = source.value ?? source.textContent;
    say('');
    try {
      await navigator.clipboard.writeText(text);
      say(button.dataset.copied);
    } catch {
      // Clipboard refused (an insecure origin, a denied permission): select the text so
      // Ctrl+C works, and say so.
      source.focus();
      source.select?.();
      say(button.dataset.copyFailed);
    }
  });
}
