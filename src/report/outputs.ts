import * as core from '@actions/core'
import { MaxResponseOutputBytes, Outputs } from '../common/constants.js'
import { oneLine } from '../common/errors.js'

/** What the step reports, success or not. */
export interface StepReport {
  readonly status: number | undefined
  /** The body as text when it is at most 1 MiB; '' otherwise or when none came. */
  readonly response: string
  readonly responseFile: string
  readonly headers: Readonly<Record<string, string>>
  readonly attempts: number
  readonly elapsedMs: number
  readonly error: string | undefined
  /** Poll rounds (`until`); 0 without polling. */
  readonly polls: number
  /** F&O's ActivityId from an error body; undefined when none. */
  readonly activityId: string | undefined
  /** Whole seconds spent waiting on 429s, every call together. */
  readonly throttledSec: number
  /** The totals of a many-calls step; undefined for a single call (the outputs are empty then). */
  readonly many?: {
    readonly total: number
    readonly succeeded: number
    readonly failed: number
    readonly resultsFile: string
  }
}

/** The `response` output: the body as UTF-8 text, or '' when it is too large for a step output. */
export function responseText(head: Buffer, totalBytes: number): string {
  return totalBytes <= MaxResponseOutputBytes ? head.toString('utf8') : ''
}

/**
 * Sets every output through GITHUB_OUTPUT, so later steps always see each one defined. Returns
 * a line saying why they could not be written (a full disk, a path that is a folder), or
 * undefined: a failed write is the reporter's to announce, never a stack trace.
 */
export function writeOutputs(report: StepReport): string | undefined {
  try {
    core.setOutput(Outputs.Status, report.status === undefined ? '' : String(report.status))
    core.setOutput(Outputs.Response, report.response)
    core.setOutput(Outputs.ResponseFile, report.responseFile)
    core.setOutput(Outputs.Headers, JSON.stringify(report.headers))
    core.setOutput(Outputs.Attempts, String(report.attempts))
    core.setOutput(Outputs.ElapsedMs, String(Math.round(report.elapsedMs)))
    core.setOutput(Outputs.Error, report.error ?? '')
    core.setOutput(Outputs.Polls, String(report.polls))
    core.setOutput(Outputs.ActivityId, report.activityId ?? '')
    core.setOutput(Outputs.ThrottledSec, String(report.throttledSec))
    const many = report.many
    core.setOutput(Outputs.Total, many ? String(many.total) : '')
    core.setOutput(Outputs.Succeeded, many ? String(many.succeeded) : '')
    core.setOutput(Outputs.Failed, many ? String(many.failed) : '')
    core.setOutput(Outputs.ResultsFile, many ? many.resultsFile : '')
    return undefined
  } catch (error) {
    return `Could not set the step outputs (GITHUB_OUTPUT): ${oneLine(error)}`
  }
}
