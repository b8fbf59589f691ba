// Runs a wasm32-wasip1 program (a benchmark or test built by cargo) under Node's WASI, with the
// current directory preopened so Criterion can write its reports. Used by `cargo xtask bench-wasm`
// as cargo's runner: node wasi-run.mjs PROGRAM.wasm [ARGS...]
import { readFile } from "node:fs/promises";
import process, { argv, env, cwd } from "node:process";
import { WASI } from "node:wasi";

const [program, ...args] = argv.slice(2);
const wasi = new WASI({ version: "preview1", args: [program, ...args], env, preopens: { ".": cwd(), "/": "/" }, returnOnExit: true });
const module = await WebAssembly.compile(await readFile(program));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
// Node 20 can crash (SIGSEGV) tearing down an instance with a large memory after a WASI run;
// exiting directly skips that teardown. Everything the program wrote is already flushed.
process.reallyExit(wasi.start(instance));
