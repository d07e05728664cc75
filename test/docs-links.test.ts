import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const documents = ['README.md', ...readdirSync(join(root, 'docs')).filter((name) => name.endsWith('.md')).map((name) => join('docs', name))];

/** Every [text](target) link of a Markdown file, code spans left out. */
function linksOf(text: string): string[] {
  const withoutCode = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
}

test('when the README and docs/ link to something then it is a file inside the repository', () => {
  for (const document of documents) {
    for (const link of linksOf(readFileSync(join(root, document), 'utf8'))) {
      assert.ok(!/^[a-z]+:/i.test(link), `${document}: ${link} leaves the repository`);
      const target = resolve(root, dirname(document), link.split('#')[0]!);
      assert.ok(!relative(root, target).startsWith('..'), `${document}: ${link} points outside the repository`);
      assert.ok(existsSync(target), `${document}: ${link} does not exist`);
    }
  }
});

test('when a reader opens the README then it links the design docs: the model, the glitch kinds and the profiles', () => {
  const links = linksOf(readFileSync(join(root, 'README.md'), 'utf8'));
  for (const doc of ['docs/model.md', 'docs/glitches.md', 'docs/profiles.md']) assert.ok(links.includes(doc), `README does not link ${doc}`);
});

test('when the README starts then its first lines are the two commands, then the sound packages of each distribution family', () => {
  const lines = readFileSync(join(root, 'README.md'), 'utf8').split('\n');
  assert.match(lines[3]!, /^npm ci && node bin\/wavert\.js play /);
  assert.match(lines[4]!, /^npm test\b/);
  const head = lines.slice(0, 20).join('\n');
  for (const family of ['Debian/Ubuntu', 'Fedora', 'Arch', 'Without them']) assert.ok(head.includes(`**${family}**`), family);
});

test('when the repository is committed then no profiler log is in it and .gitignore keeps them out', (t) => {
  const listed = spawnSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' });
  if (listed.status !== 0) {
    t.skip('not a git checkout (git ls-files failed)');
    return;
  }
  assert.deepEqual(listed.stdout.split('\n').filter((file) => /(^|\/)isolate-.*\.log$|\.cpuprofile$/.test(file)), []);
  const ignored = readFileSync(join(root, '.gitignore'), 'utf8').split('\n');
  assert.ok(ignored.includes('isolate-*.log') && ignored.includes('*.cpuprofile'));
});

test('when npm installs the optional speaker addon then its install script is approved in allowScripts (no npm warning)', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
  assert.equal(manifest.allowScripts?.speaker, true);
});
