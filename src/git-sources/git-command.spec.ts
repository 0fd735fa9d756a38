import { defaultBranchOf } from './git-mirror';
import { GitCommandError, gitProblem, runGit } from './git-command';

describe('gitProblem', () => {
  it.each([
    ['fatal: repository not found\n', 'fatal: repository not found'],
    [
      "Warning: Permanently added '[127.0.0.1]:2222' (ED25519) to the list of known hosts.\r\nuser@127.0.0.1: Permission denied (publickey).\r\nfatal: Could not read from remote repository.\n\nPlease make sure you have the correct access rights\nand the repository exists.\n",
      'user@127.0.0.1: Permission denied (publickey). fatal: Could not read from remote repository. Please make sure you have the correct access rights and the repository exists.',
    ],
    ['hint: use --force\nerror: failed\n', 'error: failed'],
    ['', 'git failed without a message'],
  ])('%j → %j', (stderr, problem) => expect(gitProblem(stderr)).toBe(problem));

  it('keeps a long message short', () => {
    expect(gitProblem(`fatal: ${'x'.repeat(2000)}`).length).toBeLessThanOrEqual(501);
  });
});

describe('defaultBranchOf', () => {
  it.each([
    ['ref: refs/heads/main\tHEAD\n0123456789abcdef0123456789abcdef01234567\tHEAD\n', 'main'],
    ['ref: refs/heads/release/2.x\tHEAD\n', 'release/2.x'],
    ['0123456789abcdef0123456789abcdef01234567\tHEAD\n', null],
    ['', null],
  ])('%j → %s', (output, branch) => expect(defaultBranchOf(output)).toBe(branch));
});

describe('runGit', () => {
  it('returns stdout of a successful command', async () => {
    expect((await runGit(['--version'], { timeoutMs: 10_000 })).toString()).toMatch(/^git version /);
  });

  it('refuses output beyond the limit instead of buffering it', async () => {
    await expect(runGit(['help', '-a'], { timeoutMs: 10_000, maxOutputBytes: 100 })).rejects.toMatchObject({
      kind: 'output_too_large',
    });
  });

  it("reports a failing command with git's own message", async () => {
    const failure = runGit(['--git-dir', '/nonexistent', 'rev-parse', 'HEAD'], { timeoutMs: 10_000 });
    await expect(failure).rejects.toBeInstanceOf(GitCommandError);
    await expect(failure).rejects.toMatchObject({
      kind: 'exit',
      message: expect.stringContaining('not a git repository'),
    });
  });

  it('stops at once when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const started = Date.now();
    await expect(runGit(['--version'], { timeoutMs: 10_000, signal: controller.signal })).rejects.toBeDefined();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
