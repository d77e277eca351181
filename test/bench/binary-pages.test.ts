import { readFileSync, readlinkSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { binaryPages, partOf } from '../../tools/bench/binary-pages.js';

/** The RSS of this process's executable, as smaps adds it up (kB). */
function executableRss(): number {
  const exe = readlinkSync('/proc/self/exe');
  let total = 0;
  let current = '';
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    const mapping = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (mapping) current = mapping[1]!;
    else if (current === exe && line.startsWith('Rss:')) total += Number(/(\d+)/.exec(line)![1]);
  }
  return total;
}

describe('binaryPages', () => {
  it("counts every page of the executable smaps counts, whatever the binary's symbols", () => {
    const before = executableRss();
    const parts = binaryPages(process.pid);
    const after = executableRss();
    const total = [...parts.values()].reduce((sum, kb) => sum + kb, 0);
    expect(total).toBeGreaterThan(1024);
    expect(total).toBeGreaterThanOrEqual(before - 256); // pages may come and go between the reads
    expect(total).toBeLessThanOrEqual(after + 256);
    for (const key of parts.keys()) expect(key).toMatch(/^(code|data): /);
  });
});

describe('partOf', () => {
  it('puts a symbol to its part by its name, never by its parameter types', () => {
    expect(partOf(undefined)).toBe('no symbol');
    expect(partOf('icudt78_dat')).toBe('ICU data');
    expect(
      partOf('v8::internal::compiler::CodeGenerator::AssembleArchInstruction(v8::internal::compiler::Instruction*)'),
    ).toBe("V8's optimizing compilers");
    expect(partOf('v8::internal::maglev::MaglevGraphBuilder::Build()')).toBe("V8's optimizing compilers");
    expect(partOf('void v8::internal::wasm::LiftoffCompiler::Emit<int>()')).toBe("V8's wasm engine");
    expect(partOf('node::Buffer::New(v8::Isolate*, unsigned long)')).toBe('Node');
    expect(partOf('ossl_aes_gcm_encrypt_avx512')).toBe('OpenSSL');
    expect(partOf('uv_run')).toBe('libuv');
    expect(partOf('memcpy')).toBe('other');
  });
});
