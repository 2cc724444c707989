// @ts-check
/**
 * A call with a given token (no sign-in), against the floor: wall time, peak RSS and the
 * requests it makes. The action's own start-up cost, since the floor makes the same request.
 * @module
 */
import { againstFloor, pairedRows } from '../paired.mjs'
import { countCell } from '../report.mjs'

/** @type {import('./index.mjs').Scenario<import('../paired.mjs').PairedResult>} */
export const tokenCall = {
  id: 'token-call',
  method: () => [],
  run: session => againstFloor(session, 'token call', session.tokenInputs),
  rows: result => [
    ...pairedRows(result, {
      wall: 'token call: wall',
      rss: 'token call: peak RSS',
      wallTarget: 'token-wall'
    }),
    {
      measure: 'token call: F&O requests',
      value: countCell(result.serviceRequests),
      target: 'token-service-requests'
    }
  ]
}
