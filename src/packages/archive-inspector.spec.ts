import {
  buildZip,
  declaredSizeBomb,
  lyingComposerJson,
  manyEntries,
  notAZip,
  packageZip,
  rawZip,
  validComposerJson,
  zerosBomb,
  zipWithEntry,
} from '../../test/helpers/zip';
import {
  archiveLimitsFor,
  ArchiveLimits,
  inflationBudget,
  inspectArchive,
  locateComposerJson,
  locateReadme,
  MAX_README_BYTES,
  pathProblem,
} from './archive-inspector';

const MB = 1024 * 1024;
const limits: ArchiveLimits = archiveLimitsFor(1 * MB);

async function refusal(
  archive: Buffer | Promise<Buffer>,
  custom: ArchiveLimits = limits,
): Promise<{ status: number; code: string; message: string }> {
  try {
    await inspectArchive(await archive, custom);
  } catch (error) {
    return error as { status: number; code: string; message: string };
  }
  throw new Error('the archive was accepted');
}

describe('inspectArchive', () => {
  const composerJson = { name: 'acme/widget', description: 'Widgets', require: { php: '>=8.1' }, license: 'MIT' };

  it('reads composer.json at the root, whole', async () => {
    const result = await inspectArchive(await packageZip(composerJson), limits);
    expect(result.name).toBe('acme/widget');
    expect(result.composerJson).toEqual(composerJson);
    expect(result.stats).toMatchObject({ composerJsonPath: 'composer.json', entryCount: 2 });
    expect(result.stats.uncompressedBytes).toBeGreaterThan(0);
  });

  it('reads composer.json inside a single top-level folder (GitHub zipball layout)', async () => {
    const result = await inspectArchive(await packageZip(composerJson, { folder: 'acme-widget-1a2b3c' }), limits);
    expect(result.stats.composerJsonPath).toBe('acme-widget-1a2b3c/composer.json');
    expect(result.composerJson).toEqual(composerJson);
  });

  it('accepts a top-level folder with its own directory entry and ignores __MACOSX', async () => {
    const zip = await buildZip({
      'pkg/': '',
      'pkg/composer.json': JSON.stringify(composerJson),
      '__MACOSX/pkg/._composer.json': 'resource fork',
    });
    expect((await inspectArchive(zip, limits)).stats.composerJsonPath).toBe('pkg/composer.json');
  });

  it('reads entry names written with backslashes (Windows zip tools) as folders', async () => {
    const archive = rawZip([
      { name: 'pkg\\composer.json', data: JSON.stringify(composerJson) },
      { name: 'pkg\\src\\Widget.php', data: '<?php' },
    ]);
    expect((await inspectArchive(archive, limits)).stats.composerJsonPath).toBe('pkg/composer.json');
  });

  it('prefers the root composer.json over a nested one', async () => {
    const zip = await buildZip({
      'composer.json': JSON.stringify(composerJson),
      'sub/composer.json': validComposerJson({ name: 'other/pkg' }),
    });
    expect((await inspectArchive(zip, limits)).name).toBe('acme/widget');
  });

  describe('refuses what is not a zip', () => {
    it.each([
      ['text', notAZip()],
      ['an empty file', Buffer.alloc(0)],
      ['a truncated zip', rawZip([{ name: 'composer.json', data: validComposerJson() }]).subarray(0, 40)],
    ])('%s', async (_label, archive) => {
      expect(await refusal(archive)).toMatchObject({ status: 422, code: 'archive_not_zip' });
    });
  });

  describe('refuses unsafe entry paths', () => {
    it.each([
      ['../evil.php'],
      ['src/../../evil.php'],
      ['/etc/evil.php'],
      ['C:/evil.php'],
      ['..\\evil.php'],
      ['c:\\windows\\evil.php'],
      ['a/\0b'],
    ])('%p', async (name) => {
      expect(await refusal(zipWithEntry(name))).toMatchObject({ status: 422, code: 'archive_unsafe_path' });
    });

    it('refuses a symbolic link entry', async () => {
      const archive = rawZip([
        { name: 'composer.json', data: validComposerJson() },
        { name: 'src/config.php', data: '/etc/passwd', mode: 0o120777 },
      ]);
      const error = await refusal(archive);
      expect(error).toMatchObject({ status: 422, code: 'archive_unsafe_path' });
      expect(error.message).toContain('symbolic link');
    });

    it('accepts the same entry as a regular file', async () => {
      const archive = rawZip([
        { name: 'composer.json', data: validComposerJson() },
        { name: 'src/config.php', data: '/etc/passwd', mode: 0o100644 },
      ]);
      await expect(inspectArchive(archive, limits)).resolves.toMatchObject({ name: 'acme/widget' });
    });

    it('also in the local header when the central directory looks harmless', async () => {
      const error = await refusal(zipWithEntry('src/ok.php', { localName: '../ok.php' }));
      expect(error).toMatchObject({ code: 'archive_unsafe_path' });
      expect(error.message).toContain('../ok.php');
    });
  });

  describe('refuses zip bombs', () => {
    it('by the uncompressed size the central directory declares', async () => {
      const error = await refusal(declaredSizeBomb(limits.maxUncompressedBytes + 1));
      expect(error).toMatchObject({ status: 422, code: 'archive_zip_bomb' });
    });

    it('made of real data that expands more than 20 times the upload limit', async () => {
      const bomb = zerosBomb(limits.maxUncompressedBytes + MB);
      expect(bomb.length).toBeLessThan(MB);
      expect(await refusal(bomb)).toMatchObject({ code: 'archive_zip_bomb' });
    });

    it('by the number of entries', async () => {
      expect(await refusal(manyEntries(11), { ...limits, maxEntries: 10 })).toMatchObject({ code: 'archive_zip_bomb' });
      await expect(inspectArchive(manyEntries(10), { ...limits, maxEntries: 10 })).resolves.toMatchObject({
        stats: { entryCount: 10 },
      });
    });

    it('with 50,001 entries under the default limits', async () => {
      const error = await refusal(manyEntries(50_001), archiveLimitsFor(100 * MB));
      expect(error).toMatchObject({ code: 'archive_zip_bomb' });
      expect(error.message).toContain('50001');
    });

    it('does not trust the declared size of composer.json', async () => {
      const error = await refusal(lyingComposerJson(10 * MB));
      expect(error).toMatchObject({ status: 422, code: 'archive_corrupt' });
    });

    it('by its real inflation ratio, also far below the absolute limit', async () => {
      const bomb = zerosBomb(11 * MB);
      const roomy = archiveLimitsFor(100 * MB);
      expect(roomy.maxUncompressedBytes).toBeGreaterThan(1000 * MB);
      const error = await refusal(bomb, roomy);
      expect(error).toMatchObject({ status: 422, code: 'archive_zip_bomb' });
    });

    it('lets a small archive inflate up to the allowance whatever its ratio', async () => {
      await expect(inspectArchive(zerosBomb(5 * MB), archiveLimitsFor(100 * MB))).resolves.toMatchObject({
        name: 'acme/widget',
      });
    });

    it.each([
      ['a tiny archive gets the allowance', 1_000, 100 * MB, 10 * MB],
      ['a 1 MB archive may inflate a hundredfold', 1 * MB, 100 * MB, 100 * MB],
      ['a 1.1 MB archive may not reach 1.1 GiB', 1_100_000, 100 * MB, 110_000_000],
      ['never above 20 times MAX_ARCHIVE_MB', 50 * MB, 100 * MB, 2000 * MB],
      ['a small MAX_ARCHIVE_MB caps the allowance too', 1_000, 0.25 * MB, 5 * MB],
    ])('budget: %s', (_label, archiveBytes, maxArchiveBytes, expected) => {
      expect(inflationBudget(archiveBytes, archiveLimitsFor(maxArchiveBytes))).toBe(expected);
    });

    it('caps the bytes read from composer.json', async () => {
      const zip = rawZip([
        { name: 'composer.json', data: validComposerJson({ description: 'x'.repeat(2000) }), method: 'deflate' },
      ]);
      expect(await refusal(zip, { ...limits, maxComposerJsonBytes: 1000 })).toMatchObject({
        code: 'composer_json_invalid',
      });
    });
  });

  describe('verifies every CRC-32 while inspecting', () => {
    it('refuses a damaged file', async () => {
      const zip = rawZip([
        { name: 'composer.json', data: validComposerJson() },
        { name: 'src/Widget.php', data: '<?php final class Widget {}', method: 'deflate', crc: 0x12345678 },
      ]);
      const error = await refusal(zip);
      expect(error).toMatchObject({ status: 422, code: 'archive_corrupt' });
      expect(error.message).toContain('src/Widget.php');
    });

    it('refuses a damaged composer.json', async () => {
      const zip = rawZip([{ name: 'composer.json', data: validComposerJson(), crc: 1 }]);
      expect(await refusal(zip)).toMatchObject({ code: 'archive_corrupt' });
    });
  });

  describe('refuses a missing or invalid composer.json', () => {
    it.each([
      ['no composer.json', buildZip({ 'README.md': '# hi', 'src/a.php': '<?php' }), 'composer_json_missing'],
      [
        'composer.json below two top-level entries',
        buildZip({ 'a/composer.json': validComposerJson(), 'b/x': '' }),
        'composer_json_missing',
      ],
      [
        'composer.json two folders deep',
        buildZip({ 'a/b/composer.json': validComposerJson() }),
        'composer_json_missing',
      ],
      ['invalid JSON', packageZip('{"name": "acme/widget",'), 'composer_json_invalid'],
      ['a JSON array', packageZip('["acme/widget"]'), 'composer_json_invalid'],
      ['JSON null', packageZip('null'), 'composer_json_invalid'],
      ['a byte-order mark', packageZip(`\uFEFF${validComposerJson()}`), 'composer_json_invalid'],
      ['invalid UTF-8', buildZip({ 'composer.json': Buffer.from([0x7b, 0xff, 0x7d]) }), 'composer_json_invalid'],
      ['a NUL character', packageZip(validComposerJson({ description: 'a\u0000b' })), 'composer_json_invalid'],
      [
        'a lone surrogate (jsonb refuses it)',
        packageZip(validComposerJson({ description: 'a\ud800b' })),
        'composer_json_invalid',
      ],
      [
        'a lone surrogate in a key',
        packageZip(validComposerJson({ extra: { 'k\udc00': 1 } })),
        'composer_json_invalid',
      ],
      [
        'absurd nesting',
        packageZip(`{"name":"acme/widget","extra":${'['.repeat(100)}${']'.repeat(100)}}`),
        'composer_json_invalid',
      ],
      [
        'two composer.json entries',
        Promise.resolve(
          rawZip([
            { name: 'composer.json', data: validComposerJson() },
            { name: 'composer.json', data: '{}' },
          ]),
        ),
        'composer_json_invalid',
      ],
      ['no name', packageZip({ description: 'nameless' }), 'package_name_missing'],
      ['an upper-case name', packageZip({ name: 'Acme/Widget' }), 'package_name_invalid'],
      ['a name without vendor', packageZip({ name: 'widget' }), 'package_name_invalid'],
      ['a name that is not a string', packageZip({ name: ['acme/widget'] }), 'package_name_invalid'],
    ])('%s', async (_label, archive, code) => {
      expect(await refusal(archive)).toMatchObject({ status: 422, code });
    });
  });
});

describe('pathProblem', () => {
  it.each([['composer.json'], ['src/A.php'], ['pkg/'], ['a..b/c'], ['...'], ['.hidden']])('accepts %p', (name) => {
    expect(pathProblem(name)).toBeUndefined();
  });

  it.each([[''], ['..'], ['../a'], ['a/..'], ['a/../b'], ['/a'], ['\\a'], ['C:a'], ['z:/a'], ['a\\..\\b'], ['a\0']])(
    'refuses %p',
    (name) => {
      expect(pathProblem(name)).toBeDefined();
    },
  );
});

describe('pathProblem names the problem', () => {
  it.each([
    ['docs/a:b.md', undefined],
    ['src/Http:Client.php', undefined],
    ['a:', 'is an absolute path'],
    ['1:/a', undefined],
    ['ab:/c', undefined],
    ['', 'has an empty name'],
    ['a\0b', 'contains a NUL byte'],
    ['/etc/passwd', 'is an absolute path'],
    ['\\server\\share', 'is an absolute path'],
    ['D:\\evil.php', 'is an absolute path'],
    ['src/..', 'climbs out of the archive with ".."'],
    ['src\\..\\..\\x', 'climbs out of the archive with ".."'],
    ['src/..hidden/x', undefined],
    ['src/x../y', undefined],
  ])('%p: %p', (name, problem) => {
    expect(pathProblem(name)).toBe(problem);
  });
});

describe('locateComposerJson', () => {
  it('ignores anything with __MACOSX in its path when counting top-level entries', () => {
    expect(locateComposerJson(['pkg/composer.json', 'pkg/__MACOSX/x', '__MACOSX/pkg/._composer.json'])).toBe(
      'pkg/composer.json',
    );
  });

  it('counts a top-level file and a folder as two top-level entries', () => {
    expect(() => locateComposerJson(['README', 'pkg/composer.json'])).toThrow(
      expect.objectContaining({ code: 'composer_json_missing' }),
    );
  });

  it('names at most five top-level entries when there are several', () => {
    const names = ['a/x', 'b/x', 'c/x', 'd/x', 'e/x', 'f/x'];
    expect(() => locateComposerJson(names)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('(top-level entries: a/, b/, c/, d/, e/, …)') }),
    );
    expect(() => locateComposerJson(names.slice(0, 2))).toThrow(
      expect.objectContaining({ message: expect.stringContaining('(top-level entries: a/, b/)') }),
    );
  });

  it('says where it looked when the single folder has no composer.json', () => {
    expect(() => locateComposerJson(['pkg/src/a.php'])).toThrow(
      expect.objectContaining({
        message:
          'No composer.json in the archive: expected composer.json at the root or inside the single top-level folder',
      }),
    );
  });

  it('counts a top-level file whose name starts like the folder as another entry', () => {
    expect(() => locateComposerJson(['pkg/composer.json', 'pkgs'])).toThrow(
      expect.objectContaining({ code: 'composer_json_missing' }),
    );
  });

  it('lists exactly five top-level entries without an ellipsis', () => {
    expect(() => locateComposerJson(['a/x', 'b/x', 'c/x', 'd/x', 'e/x'])).toThrow(
      expect.objectContaining({ message: expect.stringContaining('(top-level entries: a/, b/, c/, d/, e/)') }),
    );
  });

  it('does not take a file named like a folder for the folder', () => {
    expect(() => locateComposerJson(['pkg'])).toThrow(expect.objectContaining({ code: 'composer_json_missing' }));
  });

  it.each([
    [['composer.json', 'src/a.php'], 'composer.json'],
    [['pkg/composer.json', 'pkg/src/a.php'], 'pkg/composer.json'],
    [['pkg/', 'pkg/composer.json'], 'pkg/composer.json'],
    [['__MACOSX/._x', 'pkg/composer.json'], 'pkg/composer.json'],
  ])('finds it in %p', (names, expected) => {
    expect(locateComposerJson(names)).toBe(expected);
  });

  it.each([
    [[]],
    [['README']],
    [['pkg/src/composer.json']],
    [['a/composer.json', 'b/composer.json']],
    [['composer.json/']],
  ])('does not find it in %p', (names) => {
    expect(() => locateComposerJson(names)).toThrow(expect.objectContaining({ code: 'composer_json_missing' }));
  });
});

describe('locateReadme', () => {
  it.each([
    [['composer.json', 'README.md', 'src/README.md'], 'composer.json', 'README.md'],
    [['composer.json', 'readme.markdown'], 'composer.json', 'readme.markdown'],
    [['composer.json', 'README.txt', 'README'], 'composer.json', 'README'],
    [['composer.json', 'README.txt', 'Readme.md'], 'composer.json', 'Readme.md'],
    [['w-1/composer.json', 'w-1/README.md', 'README.md'], 'w-1/composer.json', 'w-1/README.md'],
    [['composer.json', 'docs/README.md'], 'composer.json', undefined],
    [['composer.json', 'README.rst.bak'], 'composer.json', undefined],
  ])('in %j next to %s finds %s', (names, composerJsonPath, expected) => {
    expect(locateReadme(names, composerJsonPath)).toBe(expected);
  });
});

describe('inspectArchive README', () => {
  const composerJson = { name: 'acme/widget' };

  it('keeps the README next to composer.json, also inside a top-level folder', async () => {
    const inspection = await inspectArchive(
      await packageZip(composerJson, { folder: 'widget-1.0', files: { 'README.md': '# Widget\n' } }),
      limits,
    );
    expect(inspection.readme).toBe('# Widget\n');
  });

  it('has no README when the archive has none, or one too large to keep', async () => {
    expect((await inspectArchive(await packageZip(composerJson), limits)).readme).toBeNull();
    const huge = 'x'.repeat(MAX_README_BYTES + 1);
    expect(
      (await inspectArchive(await packageZip(composerJson, { files: { 'README.md': huge } }), limits)).readme,
    ).toBeNull();
  });
});
