import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));

describe('npm package', () => {
  it('holds the exporter, its example config and docs: no tool, test or source map', () => {
    const pack = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repo, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const files = (JSON.parse(pack.stdout) as { files: { path: string }[] }[])[0]!.files
      .map((file) => file.path)
      .sort();
    expect(files).toContain('dist/main.js');
    expect(files).toContain('config.example.yaml');
    const other = files.filter((file) => !/^dist\/[a-z/-]+\.js$/.test(file));
    expect(other).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'config.example.yaml', 'package.json']);
    expect(files.filter((file) => /simulator|bench|demo|tools\//.test(file))).toEqual([]);
  });

  it('the files the README has an operator create in the repository root are git-ignored', () => {
    const ignored = spawnSync('git', ['check-ignore', 'config.yaml', 'password'], { cwd: repo, encoding: 'utf8' });
    expect(ignored.stdout.split('\n').filter(Boolean)).toEqual(['config.yaml', 'password']);
  });
});
