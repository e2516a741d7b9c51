import type { DeploymentView, ProjectView } from '@klepaas/read-model';
import { latestDeploymentShape, rollbackListShape } from './deployment-shapes';

const sha = (n: number) => String(n).padStart(40, '0');
const at = (s: number) => new Date(Date.parse('2026-05-04T10:00:00.000Z') + s * 1000).toISOString();

function deployment(n: number, status: DeploymentView['status'], extra: Partial<DeploymentView> = {}): DeploymentView {
  return {
    id: `d-${n}`,
    runId: `d-${n}`,
    commitSha: sha(n),
    commitMessage: `v${n}`,
    image: `registry/acme-app:${sha(n).slice(0, 7)}`,
    replicas: 1,
    status,
    trigger: { type: 'push', commitSha: sha(n), actor: 'dev' },
    isRollback: false,
    startedAt: at(n * 10),
    ...(status === 'deploying' ? {} : { finishedAt: at(n * 10 + 5) }),
    ...extra,
  };
}

const project = (extra: Partial<ProjectView> = {}) =>
  ({ id: 'p', owner: 'acme', repo: 'app', namespace: 'acme-app', replicas: 1, ...extra }) as ProjectView;

describe('the deployments view', () => {
  it('shows every nested object of the newest deployment, with the desired replicas and those rolled out', () => {
    const p = project({
      desired: { version: 3, commitSha: sha(2), commitMessage: null, replicas: 3, cause: {} as any },
      currentDeployment: { id: 'd-1', replicas: 2 },
    });
    expect(latestDeploymentShape(deployment(2, 'deploying'), 11, p, 'https://github.com')).toEqual({
      id: 11,
      run_id: 'd-2',
      status: 'running',
      klepaas_status: 'deploying',
      image: { name: 'acme-app', tag: '0000000', url: 'registry/acme-app:0000000' },
      commit: expect.objectContaining({ sha: sha(2), message: 'v2', author: 'dev' }),
      cluster: { namespace: 'acme-app', replicas: { desired: 3, ready: 2 }, resources: { cpu: null, memory: null } },
      timing: { started_at: at(20), completed_at: null, total_duration: null },
      is_rollback: false,
    });
    const never = latestDeploymentShape(deployment(1, 'failed'), 12, project(), 'https://github.com');
    expect(never).toMatchObject({ status: 'failed', cluster: { replicas: { desired: 1, ready: 0 } } });
  });

  it('offers each deployed commit once, newest first, marks the current one, and lists the rollbacks', () => {
    // Newest first: a rollback to v1, a failed v3, v2, a scale of v1, v1.
    const rolledBack = deployment(5, 'succeeded', {
      commitSha: sha(1),
      commitMessage: 'v1',
      isRollback: true,
      rollbackFrom: 'd-1',
    });
    const deployments = [
      rolledBack,
      deployment(4, 'failed', { commitSha: sha(3), commitMessage: 'v3' }),
      deployment(2, 'succeeded'),
      deployment(1, 'succeeded', { id: 'd-1b' }),
      deployment(1, 'succeeded'),
    ];
    const list = rollbackListShape(deployments, project({ currentDeployment: rolledBack, rollbackHold: true }));
    expect(list.pinned).toBe(true);
    expect(list.current_state).toEqual({
      commit_sha: sha(1),
      commit_sha_short: '0000000',
      commit_message: 'v1',
      deployed_at: at(55),
      is_rollback: true,
    });
    expect(list.available_versions.map((v) => [v.steps_back, v.commit_sha, v.is_current])).toEqual([
      [0, sha(1), true],
      [1, sha(2), false],
    ]);
    expect(list.rollback_history).toEqual([
      {
        commit_sha: sha(1),
        commit_sha_short: '0000000',
        commit_message: 'v1',
        rolled_back_at: at(55),
        status: 'success',
      },
    ]);
    expect(rollbackListShape([], project()).current_state).toBeNull();
  });
});
