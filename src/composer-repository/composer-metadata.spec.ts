import { PackageVersion } from '../packages/package-version.entity';
import {
  composerEntry,
  composerTime,
  expandEntries,
  minifyEntries,
  p2Document,
  rootDocument,
} from './composer-metadata';

function version(overrides: Partial<PackageVersion>): PackageVersion {
  return Object.assign(new PackageVersion(), {
    id: 'ver_1',
    packageName: 'acme/widget',
    version: '2.1.0',
    versionNormalized: '2.1.0.0',
    isDev: false,
    composerJson: {
      name: 'acme/widget',
      type: 'library',
      require: { php: '>=8.1' },
      autoload: { 'psr-4': { 'Acme\\': 'src/' } },
    },
    shasum: 'a'.repeat(40),
    sizeBytes: 10,
    storageKey: 'k',
    releasedAt: new Date('2024-01-15T10:30:00Z'),
    createdAt: new Date('2024-01-15T10:30:00Z'),
    ...overrides,
  });
}

describe('composerEntry', () => {
  it('passes composer.json through and adds name, versions, dist and time', () => {
    const entry = composerEntry(
      version({ composerJson: { name: 'acme/widget', version: '9.9.9', license: 'proprietary' } }),
      'http://repo.test',
    );
    expect(entry).toEqual({
      name: 'acme/widget',
      version: '2.1.0',
      version_normalized: '2.1.0.0',
      license: 'proprietary',
      dist: {
        type: 'zip',
        url: `http://repo.test/dists/acme/widget/2.1.0.0/${'a'.repeat(40)}.zip`,
        reference: 'a'.repeat(40),
        shasum: 'a'.repeat(40),
      },
      time: '2024-01-15T10:30:00+00:00',
    });
  });

  it("never passes on the vendor's own source, dist, time or version fields from composer.json", () => {
    // A passed-through `source` would send `composer install --prefer-source` to the vendor's VCS.
    const entry = composerEntry(
      version({
        composerJson: {
          name: 'other/name',
          version: '9.9.9',
          version_normalized: '9.9.9.0',
          source: { type: 'git', url: 'git@github.com:acme/widget-private.git', reference: 'abc' },
          dist: { type: 'zip', url: 'https://vendor.example/widget.zip' },
          time: '2000-01-01T00:00:00+00:00',
          description: 'Widgets',
        },
      }),
      'http://repo.test',
    );
    expect(entry).not.toHaveProperty('source');
    expect(entry).toMatchObject({
      name: 'acme/widget',
      version: '2.1.0',
      version_normalized: '2.1.0.0',
      description: 'Widgets',
      dist: { type: 'zip', url: `http://repo.test/dists/acme/widget/2.1.0.0/${'a'.repeat(40)}.zip` },
      time: '2024-01-15T10:30:00+00:00',
    });
    expect(Object.keys(entry).sort()).toEqual(['description', 'dist', 'name', 'time', 'version', 'version_normalized']);
  });

  it('passes every other composer.json key through unchanged', () => {
    const composerJson = {
      name: 'acme/widget',
      type: 'library',
      require: { php: '>=8.1' },
      autoload: { 'psr-4': { 'Acme\\': 'src/' } },
      extra: { a: [1, 2] },
    };
    expect(composerEntry(version({ composerJson }), 'http://r')).toMatchObject({
      type: 'library',
      require: { php: '>=8.1' },
      autoload: composerJson.autoload,
      extra: { a: [1, 2] },
    });
  });

  it('URL-encodes dev branch names in the dist URL', () => {
    const entry = composerEntry(
      version({ version: 'dev-feature/x', versionNormalized: 'dev-feature/x', isDev: true }),
      'http://repo.test',
    );
    expect((entry.dist as { url: string }).url).toContain('/dists/acme/widget/dev-feature%2Fx/');
  });

  it('gives a Git version its commit as dist.reference and marks the default branch, never a source', () => {
    const commit = 'c'.repeat(40);
    const entry = composerEntry(
      version({
        version: 'dev-main',
        versionNormalized: 'dev-main',
        isDev: true,
        gitReference: commit,
        defaultBranch: true,
        composerJson: {
          name: 'acme/widget',
          'default-branch': false,
          source: { type: 'git', url: 'https://git.test/x.git' },
        },
      }),
      'http://repo.test',
    );
    expect(entry.dist).toMatchObject({ reference: commit, shasum: 'a'.repeat(40) });
    expect(entry['default-branch']).toBe(true);
    expect(entry).not.toHaveProperty('source');
  });

  it('leaves default-branch out for every other version', () => {
    const entry = composerEntry(
      version({ gitReference: 'c'.repeat(40), defaultBranch: false, composerJson: { 'default-branch': true } }),
      'http://r',
    );
    expect(entry).not.toHaveProperty('default-branch');
  });

  it('formats times the way Composer does', () => {
    expect(composerTime(new Date('2024-01-15T10:30:00.123Z'))).toBe('2024-01-15T10:30:00+00:00');
    expect(composerTime(new Date('2024-01-15T10:30:00.000Z'))).toBe('2024-01-15T10:30:00+00:00');
  });
});

describe('minifyEntries', () => {
  const entries = [
    { name: 'acme/widget', version: '2.1.0', require: { php: '>=8.1' }, license: 'MIT' },
    { name: 'acme/widget', version: '2.0.0', require: { php: '>=8.1' }, license: 'MIT' },
    { name: 'acme/widget', version: '1.0.0', require: { php: '>=7.4' } },
    { name: 'acme/widget', version: '0.9.0', require: { php: '>=7.4' }, license: 'GPL' },
  ];

  it('keeps the first entry whole and only differences after it', () => {
    expect(minifyEntries(entries)).toEqual([
      entries[0],
      { version: '2.0.0' },
      { version: '1.0.0', require: { php: '>=7.4' }, license: '__unset' },
      { version: '0.9.0', license: 'GPL' },
    ]);
  });

  it('round-trips through the client-side expansion', () => {
    expect(expandEntries(minifyEntries(entries))).toEqual(entries);
  });

  it('marks a key that disappears, and brings it back when it returns', () => {
    const list = [{ version: '3', extra: { a: 1 } }, { version: '2' }, { version: '1', extra: { a: 1 } }];
    expect(minifyEntries(list)).toEqual([
      list[0],
      { version: '2', extra: '__unset' },
      { version: '1', extra: { a: 1 } },
    ]);
    expect(expandEntries(minifyEntries(list))).toEqual(list);
  });

  it('compares nested values by content, not identity', () => {
    const list = [
      { version: '2', require: { php: '>=8.1' } },
      { version: '1', require: { php: '>=8.1' } },
      { version: '0', require: { php: '>=8.2' } },
    ];
    expect(minifyEntries(list)).toEqual([list[0], { version: '1' }, { version: '0', require: { php: '>=8.2' } }]);
  });

  it('keeps a key whose value is null or false when it differs', () => {
    const list = [
      { version: '2', abandoned: false },
      { version: '1', abandoned: null },
      { version: '0', abandoned: null },
    ];
    expect(minifyEntries(list)).toEqual([list[0], { version: '1', abandoned: null }, { version: '0' }]);
  });

  it('handles no entries and one entry', () => {
    expect(minifyEntries([])).toEqual([]);
    expect(minifyEntries([{ version: '1' }])).toEqual([{ version: '1' }]);
    expect(expandEntries([])).toEqual([]);
  });

  it('does not mutate its input', () => {
    const copy = JSON.parse(JSON.stringify(entries));
    minifyEntries(entries);
    expect(entries).toEqual(copy);
  });
});

describe('documents', () => {
  it('builds a Composer 2 minified p2 document', () => {
    const doc = JSON.parse(
      p2Document(
        'acme/widget',
        [version({}), version({ id: 'ver_2', version: '2.0.0', versionNormalized: '2.0.0.0' })],
        'http://r',
      ),
    );
    expect(doc.minified).toBe('composer/2.0');
    expect(doc.packages['acme/widget']).toHaveLength(2);
    expect(doc.packages['acme/widget'][1]).toMatchObject({ version: '2.0.0', version_normalized: '2.0.0.0' });
    expect(doc.packages['acme/widget'][1].name).toBeUndefined();
    expect(expandEntries(doc.packages['acme/widget'])[1]).toMatchObject({ name: 'acme/widget', version: '2.0.0' });
    expect(Object.keys(doc)).toEqual(['minified', 'packages']);
  });

  it('builds an empty p2 document for no versions', () => {
    expect(JSON.parse(p2Document('acme/widget', [], 'http://r'))).toEqual({
      minified: 'composer/2.0',
      packages: { 'acme/widget': [] },
    });
  });

  it('builds a root document with an absolute metadata-url and the available packages', () => {
    expect(JSON.parse(rootDocument('https://packages.example.com/composer', ['acme/a', 'acme/b']))).toEqual({
      packages: [],
      'metadata-url': 'https://packages.example.com/composer/p2/%package%.json',
      'available-packages': ['acme/a', 'acme/b'],
    });
  });
});
