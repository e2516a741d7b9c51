import type { ProjectView, RunStatus, RunStepView, RunView } from '@klepaas/read-model';
import { imageShape, pipelineShape, RUN_STATUS, stagesOf } from './run-shapes';

const T0 = '2026-05-04T10:00:00.000Z';
const at = (s: number) => new Date(Date.parse(T0) + s * 1000).toISOString();
const SHA = 'a'.repeat(40);

const project = {
  id: 'p-1',
  owner: 'acme',
  repo: 'app',
  branch: 'main',
  autoDeploy: true,
} as ProjectView;

function run(status: RunStatus, steps: RunStepView[], extra: Partial<RunView> = {}): RunView {
  return {
    id: 'r-1',
    projectId: 'p-1',
    status,
    trigger: { type: 'push', commitSha: SHA, actor: 'dev' },
    steps,
    timeline: [],
    createdAt: T0,
    ...extra,
  };
}
const step = (name: RunStepView['name'], status: RunStepView['status'], from?: number, to?: number): RunStepView => ({
  name,
  status,
  ...(from !== undefined ? { startedAt: at(from) } : {}),
  ...(to !== undefined ? { finishedAt: at(to) } : {}),
});

describe("the dashboard's statuses", () => {
  it.each([
    ['queued', 'pending'],
    ['mirroring', 'running'],
    ['building', 'running'],
    ['deploying', 'running'],
    ['succeeded', 'success'],
    ['failed', 'failed'],
    ['cancelled', 'failed'],
    ['superseded', 'failed'],
  ] as const)('shows a %s run as %s', (ours, theirs) => {
    expect(RUN_STATUS[ours]).toBe(theirs);
  });

  it('maps mirror, build and deploy onto sourcecommit, sourcebuild and sourcedeploy, with durations in seconds', () => {
    const stages = stagesOf(
      run('deploying', [
        step('mirror', 'succeeded', 1, 3),
        step('build', 'succeeded', 3, 63),
        step('deploy', 'running', 64),
      ]),
    );
    expect(stages.sourcecommit).toMatchObject({
      status: 'success',
      duration: 2,
      started_at: at(1),
      completed_at: at(3),
    });
    expect(stages.sourcebuild).toMatchObject({ status: 'success', duration: 60 });
    // A running stage carries started_at (the dashboard animates only such a stage).
    expect(stages.sourcedeploy).toMatchObject({ status: 'running', duration: null, started_at: at(64) });
  });

  it('shows a build skipped because the image was there as a success once the deploy ran, and steps never reached as null', () => {
    const rollback = stagesOf(
      run('succeeded', [
        step('mirror', 'succeeded', 1, 2),
        step('build', 'skipped'),
        step('deploy', 'succeeded', 2, 9),
      ]),
    );
    expect(rollback.sourcebuild).toMatchObject({ status: 'success', skipped: true, duration: null });
    const failedMirror = stagesOf(
      run('failed', [step('mirror', 'failed', 1, 2), step('build', 'skipped'), step('deploy', 'skipped')]),
    );
    expect(failedMirror).toMatchObject({
      sourcecommit: { status: 'failed' },
      sourcebuild: { status: null, skipped: true },
      sourcedeploy: { status: null, skipped: true },
    });
    const cancelled = stagesOf(run('cancelled', [step('mirror', 'succeeded', 1, 2), step('build', 'cancelled', 2, 5)]));
    expect(cancelled).toMatchObject({ sourcebuild: { status: 'failed' }, sourcedeploy: { status: null } });
  });

  it('gives a failed, cancelled or superseded run an error naming its stage, and the others none', () => {
    const failed = pipelineShape(
      run('failed', [step('mirror', 'succeeded', 1, 2), step('build', 'failed', 2, 8)], {
        reason: 'build failed: DOCKER_BUILD',
        failedStep: 'build',
        finishedAt: at(8),
      }),
      7,
      project,
      'https://github.com',
    );
    expect(failed).toMatchObject({
      id: 7,
      status: 'failed',
      klepaas_status: 'failed',
      error: { message: 'build failed: DOCKER_BUILD', stage: 'sourcebuild' },
      timing: { started_at: T0, completed_at: at(8), total_duration: 8 },
      updated_at: at(8),
    });
    const superseded = pipelineShape(run('superseded', [], { finishedAt: at(1) }), 8, project, 'https://github.com');
    expect(superseded.error).toEqual({ message: 'the run was superseded', stage: null });
    const running = pipelineShape(run('building', [step('mirror', 'running', 1)]), 9, project, 'https://github.com');
    expect(running).toMatchObject({
      error: null,
      timing: { completed_at: null, total_duration: null },
      updated_at: at(1),
    });
  });

  it('always gives a commit of strings, empty while a manual deploy has not learned its commit', () => {
    const known = pipelineShape(run('queued', []), 1, project, 'https://github.com');
    expect(known.commit).toEqual({
      sha: SHA,
      short_sha: 'aaaaaaa',
      message: '',
      author: 'dev',
      url: `https://github.com/acme/app/commit/${SHA}`,
    });
    const unknown = pipelineShape(
      run('queued', [], { trigger: { type: 'manual', commitSha: null } }),
      1,
      project,
      'https://github.com',
    );
    expect(unknown.commit).toEqual({ sha: '', short_sha: '', message: '', author: '', url: '' });
    expect(unknown.repository).toBe('acme/app');
  });

  it('splits an image reference into name and tag, registry ports included', () => {
    expect(imageShape('127.0.0.1:4000/acme-app:3f2a9c1')).toEqual({
      name: 'acme-app',
      tag: '3f2a9c1',
      url: '127.0.0.1:4000/acme-app:3f2a9c1',
    });
    expect(imageShape(undefined)).toEqual({ name: '', tag: '', url: '' });
  });
});
