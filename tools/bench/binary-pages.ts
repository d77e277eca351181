#!/usr/bin/env node
/**
 * node build/tools/bench/binary-pages.js PID
 *
 * Which parts of its `node` executable a running process holds in memory: each page of the
 * executable's mappings present in the process's page table (/proc/PID/pagemap, bit 63), put to
 * the symbol that covers it (`nm` from binutils; without it, or for a stripped binary, every page
 * is "no symbol") and grouped: V8's compilers, its wasm engine, OpenSSL, ICU, Node's own code, and
 * read-only data no symbol names (Node's built-in JavaScript, by where it grows). What
 * docs/performance.md says of the binary's share of the RSS comes from this. Linux only.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readlinkSync, readSync } from 'node:fs';

const PAGE = 4096;

/** The part of the executable a symbol belongs to, by its demangled name (a function's parameters left out). */
export function partOf(symbol: string | undefined): string {
  if (symbol === undefined) return 'no symbol';
  const name = symbol.replace(/\(.*$/, '');
  const rules: [RegExp, string][] = [
    [/^icudt\d+_dat$/, 'ICU data'],
    [/\bv8::internal::(compiler|maglev)::/, "V8's optimizing compilers"],
    [/\bv8::internal::wasm::/, "V8's wasm engine"],
    [/\bBuiltins_|\bv8::internal::Builtins\b/, "V8's builtins"],
    [/\b(v8|v8_inspector|cppgc|heap)::/, 'V8, other'],
    [/\bnode::/, 'Node'],
    [
      /^(ossl_|OPENSSL_|EVP_|SSL_|X509|ASN1_|BN_|EC_|RSA_|ERR_|CRYPTO_|OBJ_|PEM_|BIO_|ecp_nistz256|aesni_|sha\d+_)/,
      'OpenSSL',
    ],
    [/^(icu_\d+::|u[a-z]*_\w+_\d+$)/, 'ICU code'],
    [/^uv_/, 'libuv'],
  ];
  return rules.find(([pattern]) => pattern.test(name))?.[1] ?? 'other';
}

interface Symbol {
  start: number;
  end: number;
  name: string;
}

function symbolsOf(binary: string): Symbol[] {
  let listing: string;
  try {
    listing = execFileSync('nm', ['-S', '-C', '--defined-only', binary], { encoding: 'utf8', maxBuffer: 1 << 30 });
  } catch {
    return [];
  }
  const symbols: Symbol[] = [];
  for (const line of listing.split('\n')) {
    const match = /^([0-9a-f]+) ([0-9a-f]+) \S (.*)$/.exec(line);
    if (!match) continue;
    const start = parseInt(match[1]!, 16);
    symbols.push({ start, end: start + Math.max(parseInt(match[2]!, 16), 1), name: match[3]! });
  }
  return symbols.sort((a, b) => a.start - b.start);
}

/** The symbol covering [address, address + PAGE), if any: the last one starting before the page ends. */
function symbolAt(symbols: readonly Symbol[], address: number): Symbol | undefined {
  let low = 0;
  let high = symbols.length - 1;
  let found: Symbol | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (symbols[middle]!.start < address + PAGE) {
      found = symbols[middle];
      low = middle + 1;
    } else high = middle - 1;
  }
  return found && found.end > address ? found : undefined;
}

/** Kilobytes of the process's executable held in memory, by part and by mapping permissions ("r-xp code"). */
export function binaryPages(pid: number): Map<string, number> {
  const binary = readlinkSync(`/proc/${pid}/exe`);
  const symbols = symbolsOf(binary);
  const mappings = readFileSync(`/proc/${pid}/maps`, 'utf8')
    .split('\n')
    .map((line) => line.split(/\s+/))
    .filter((fields) => fields[5] === binary);
  const kilobytes = new Map<string, number>();
  const pagemap = openSync(`/proc/${pid}/pagemap`, 'r');
  try {
    for (const [range, permissions] of mappings) {
      const [start, end] = range!.split('-').map((hex) => parseInt(hex, 16)) as [number, number];
      const entries = Buffer.alloc(((end - start) / PAGE) * 8);
      readSync(pagemap, entries, 0, entries.length, (start / PAGE) * 8);
      for (let page = 0; page < entries.length / 8; page++) {
        if (!(entries.readBigUInt64LE(page * 8) >> 63n)) continue;
        const part = partOf(symbolAt(symbols, start + page * PAGE)?.name);
        const key = `${permissions === 'r-xp' ? 'code' : 'data'}: ${part}`;
        kilobytes.set(key, (kilobytes.get(key) ?? 0) + PAGE / 1024);
      }
    }
  } finally {
    closeSync(pagemap);
  }
  return kilobytes;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pid = Number(process.argv[2]);
  if (!Number.isInteger(pid) || pid <= 0) {
    console.error('usage: node build/tools/bench/binary-pages.js PID');
    process.exit(2);
  }
  const parts = [...binaryPages(pid)].sort((a, b) => b[1] - a[1]);
  for (const [part, kb] of parts) console.log(`${(kb / 1024).toFixed(1).padStart(7)} MB  ${part}`);
  console.log(`${(parts.reduce((total, [, kb]) => total + kb, 0) / 1024).toFixed(1).padStart(7)} MB  in all`);
}
