import { faultRuleInput, partyOf } from './fault-rule';

describe('fault rules', () => {
  it('tells each party by its URL prefix, and nothing for the sandbox’s own routes', () => {
    expect(partyOf('/ncp/sourcebuild/api/v1/project')).toBe('sourcebuild');
    expect(partyOf('/ncp/ncr/token')).toBe('ncr');
    expect(partyOf('/v2/')).toBe('registry');
    expect(partyOf('/v2')).toBe('registry');
    expect(partyOf('/git/repo.git/info/refs')).toBe('git');
    expect(partyOf('/github/git/o/r.git/info/refs')).toBe('github-git');
    expect(partyOf('/github/api/repos/o/r')).toBe('github');
    expect(partyOf('/slack/services/x')).toBe('slack');
    expect(partyOf('/_sandbox/faults')).toBeUndefined();
    expect(partyOf('/gitx')).toBeUndefined();
  });

  it('keeps fail and hang to builds and deploys, and failedPhase to failing builds', () => {
    expect(faultRuleInput.safeParse({ party: 'sourcebuild', effect: 'fail', failedPhase: 'upload' }).success).toBe(
      true,
    );
    expect(faultRuleInput.safeParse({ party: 'github', effect: 'hang' }).success).toBe(false);
    expect(faultRuleInput.safeParse({ party: 'sourcedeploy', effect: 'fail', failedPhase: 'build' }).success).toBe(
      false,
    );
    expect(faultRuleInput.safeParse({ party: 'sourcebuild', effect: 'status' }).success).toBe(false);
  });
});
