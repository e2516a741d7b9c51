import type { TaskSpec, TriggerSpec } from './pipeline.schemas';

export interface PipelineWorld {
  buildProjectExists(id: number): boolean;
  deployScenarioExists(projectId: number, stageId: number, scenarioId: number): string | undefined;
  repositoryExists(name: string): boolean;
  pipelineExists(id: number): boolean;
}

/**
 * Checks what the schema cannot: tasks name projects, stages and scenarios that exist, task
 * names are unique, `linkedTasks` name other tasks of the pipeline and form no cycle, and the
 * trigger names real repositories and pipelines. Returns every problem.
 */
export function checkPipelineReferences(
  tasks: TaskSpec[],
  trigger: TriggerSpec | null | undefined,
  world: PipelineWorld,
): string[] {
  const problems: string[] = [];
  const names = tasks.map((t) => t.name);
  tasks.forEach((task, i) => {
    const where = `tasks.${i}`;
    if (names.indexOf(task.name) !== i) problems.push(`${where}.name: "${task.name}" is used by another task`);
    if (task.type === 'SourceBuild' && !world.buildProjectExists(task.config.projectId))
      problems.push(`${where}.config.projectId: SourceBuild project ${task.config.projectId} does not exist`);
    if (task.type === 'SourceDeploy') {
      const { projectId, stageId, scenarioId } = task.config;
      if (stageId === undefined || scenarioId === undefined)
        problems.push(`${where}.config: stageId and scenarioId are required for a SourceDeploy task`);
      else {
        const missing = world.deployScenarioExists(projectId, stageId, scenarioId);
        if (missing) problems.push(`${where}.config: ${missing}`);
      }
    }
    for (const linked of task.linkedTasks) {
      if (linked === task.name) problems.push(`${where}.linkedTasks: a task cannot follow itself`);
      else if (!names.includes(linked)) problems.push(`${where}.linkedTasks: no task named "${linked}"`);
    }
  });
  if (problems.length === 0 && hasCycle(tasks)) problems.push('tasks: linkedTasks form a cycle');
  for (const [i, repo] of (trigger?.repository ?? []).entries()) {
    if (repo.type.toLowerCase() !== 'sourcecommit')
      problems.push(`trigger.repository.${i}.type: only "sourcecommit" is supported`);
    if (!world.repositoryExists(repo.name))
      problems.push(`trigger.repository.${i}.name: SourceCommit repository "${repo.name}" does not exist`);
  }
  for (const [i, other] of (trigger?.sourcepipeline ?? []).entries())
    if (!world.pipelineExists(other.id))
      problems.push(`trigger.sourcepipeline.${i}.id: pipeline ${other.id} does not exist`);
  return problems;
}

function hasCycle(tasks: TaskSpec[]): boolean {
  const done = new Set<string>();
  let progress = true;
  while (progress) {
    progress = false;
    for (const task of tasks) {
      if (!done.has(task.name) && task.linkedTasks.every((l) => done.has(l))) {
        done.add(task.name);
        progress = true;
      }
    }
  }
  return done.size !== tasks.length;
}
