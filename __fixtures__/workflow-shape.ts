/**
 * What a piece of workflow YAML shown in the docs is: a whole workflow, one job, a list of steps or
 * a single step; and the jobs it stands for, with the environment each step sees.
 */

/** How a piece of YAML is completed into a workflow. */
export type Shape = 'workflow' | 'job' | 'steps' | 'step' | 'other'

/** A step as written: `uses`, `with`, `env`, `run`, `id` … */
export type Step = Readonly<Record<string, unknown>>

/** A job of a piece: its steps and the `env:` of the workflow and the job, merged. */
export interface Job {
  readonly env: Readonly<Record<string, unknown>>
  readonly steps: readonly Step[]
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

const isStep = (item: unknown): item is Step => isRecord(item) && ('uses' in item || 'run' in item)

/** The shape of a parsed piece of YAML. */
export function shapeOf(value: unknown): Shape {
  if (Array.isArray(value)) return value.length > 0 && value.every(isStep) ? 'steps' : 'other'
  if (!isRecord(value)) return 'other'
  if ('jobs' in value) return 'workflow'
  if ('steps' in value || 'runs-on' in value) return 'job'
  return isStep(value) ? 'step' : 'other'
}

/** The jobs a parsed piece stands for (none when it is not workflow-shaped). */
export function jobsOf(value: unknown): Job[] {
  const env = (of: unknown): Record<string, unknown> =>
    isRecord(of) && isRecord(of['env']) ? of['env'] : {}
  const steps = (of: unknown): Step[] => (Array.isArray(of) ? of.filter(isStep) : [])
  switch (shapeOf(value)) {
    case 'workflow': {
      const jobs = isRecord(value) && isRecord(value['jobs']) ? Object.values(value['jobs']) : []
      return jobs.map(job => ({
        env: { ...env(value), ...env(job) },
        steps: steps(isRecord(job) ? job['steps'] : [])
      }))
    }
    case 'job':
      return [{ env: env(value), steps: steps(isRecord(value) ? value['steps'] : []) }]
    case 'steps':
      return [{ env: {}, steps: steps(value) }]
    case 'step':
      return [{ env: {}, steps: steps([value]) }]
    case 'other':
      return []
  }
}
