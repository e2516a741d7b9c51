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
});
