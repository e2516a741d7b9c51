import { normaliseGithubDelivery, UnreadablePayloadError } from './github-normaliser';

const examples: Array<{ name: string; examples: any[] }> = require('@octokit/webhooks-examples');
const examplesOf = (name: string) => examples.find((e) => e.name === name)!.examples;

describe('normaliseGithubDelivery', () => {
  it('turns a branch push into PushReceived with the branch, commits and repository id', () => {
    const payload = examplesOf('push').find((p) => p.ref.startsWith('refs/heads/'))!;
    const n = normaliseGithubDelivery('push', 'd1', payload);
    expect(n.kind).toBe('event');
    if (n.kind !== 'event') return;
    expect(n.definition.name).toBe('PushReceived');
    expect(n.payload).toMatchObject({
      deliveryId: 'd1',
      branch: payload.ref.slice('refs/heads/'.length),
      tag: null,
      after: payload.after,
      repository: { id: payload.repository.id, fullName: payload.repository.full_name },
    });
    expect(() => n.definition.schema.parse(n.payload)).not.toThrow();
  });

  it('reads a tag push as a tag, not a branch', () => {
    const payload = examplesOf('push').find((p) => p.ref.startsWith('refs/tags/'))!;
    const n = normaliseGithubDelivery('push', 'd2', payload);
    expect(n.kind === 'event' && n.payload).toMatchObject({
      branch: null,
      tag: payload.ref.slice('refs/tags/'.length),
    });
  });

  it('makes a merged pull request an event and ignores other pull request actions', () => {
    const merged = examplesOf('pull_request').find((p) => p.action === 'closed' && p.pull_request.merged);
    const opened = examplesOf('pull_request').find((p) => p.action === 'opened')!;
    if (merged) {
      const n = normaliseGithubDelivery('pull_request', 'd3', merged);
      expect(n.kind === 'event' && n.payload).toMatchObject({
        pullRequest: { mergeCommitSha: merged.pull_request.merge_commit_sha },
      });
    }
    expect(normaliseGithubDelivery('pull_request', 'd4', opened).kind).toBe('ignored');
  });

  it('makes only a published release an event', () => {
    const published = examplesOf('release').find((p) => p.action === 'published')!;
    const created = examplesOf('release').find((p) => p.action === 'created')!;
    expect(normaliseGithubDelivery('release', 'd5', published).kind).toBe('event');
    expect(normaliseGithubDelivery('release', 'd6', created).kind).toBe('ignored');
  });

  it('lists the repositories an installation adds and removes', () => {
    const added = examplesOf('installation_repositories').find((p) => p.action === 'added')!;
    const n = normaliseGithubDelivery('installation_repositories', 'd7', added);
    expect(n.kind === 'event' && (n.payload as any).repositoriesAdded).toHaveLength(added.repositories_added.length);
  });

  it('refuses a push without a ref', () => {
    expect(() => normaliseGithubDelivery('push', 'd8', { after: 'x' })).toThrow(UnreadablePayloadError);
  });

  it.each(['push', 'release', 'pull_request', 'installation', 'installation_repositories'])(
    'reads every GitHub example of %s without refusing it',
    (event) => {
      for (const payload of examplesOf(event)) {
        const n = normaliseGithubDelivery(event, 'd9', payload);
        if (n.kind === 'event') expect(() => n.definition.schema.parse(n.payload)).not.toThrow();
      }
    },
  );
});

describe('a signed but malformed payload', () => {
  const push = examplesOf('push').find((p) => p.ref.startsWith('refs/heads/') && p.commits.length)!;
  const added = examplesOf('installation_repositories').find((p) => p.action === 'added')!;
  const published = examplesOf('release').find((p) => p.action === 'published')!;

  it.each([
    ['commits: [null]', 'push', { ...push, commits: [null] }, /^commits\.0: /],
    ['commits: ["abc"]', 'push', { ...push, commits: ['abc'] }, /^commits\.0: /],
    ['an after that is not a sha', 'push', { ...push, after: 'main' }, /^after: must be a commit sha/],
    [
      'a commit id that is not a sha',
      'push',
      { ...push, head_commit: { ...push.head_commit, id: 'x' } },
      /^head_commit\.id: /,
    ],
    ['a repository without an id', 'push', { ...push, repository: { name: 'x' } }, /^repository\.id: /],
    [
      'a null in repositories_added',
      'installation_repositories',
      { ...added, repositories_added: [null] },
      /^repositories_added\.0: /,
    ],
    ['a string as the installation', 'installation', { action: 'created', installation: 'x' }, /^installation: /],
    [
      'a release without a tag',
      'release',
      { ...published, release: { ...published.release, tag_name: 7 } },
      /^release\.tag_name: /,
    ],
  ])('is refused, naming the field, when it has %s', (_, event, payload, reason) => {
    const attempt = () => normaliseGithubDelivery(event as string, 'd10', payload as Record<string, unknown>);
    expect(attempt).toThrow(UnreadablePayloadError);
    expect(attempt).toThrow(reason as RegExp);
  });

  it('is refused rather than read as commit "undefined"', () => {
    expect(() => normaliseGithubDelivery('push', 'd11', { ...push, commits: [{ message: 'no id' }] })).toThrow(
      /^commits\.0\.id: /,
    );
  });
});
