// @ts-check
/**
 * A client-secret call with the simulator as `authority-host` (a custom host: MSAL fetches the
 * OpenID configuration, then the token), against the floor: wall time, peak RSS and the
 * requests it makes to the authority.
 * @module
 */
import { againstFloor, pairedRows } from '../paired.mjs'
import { countCell } from '../report.mjs'

/** @type {import('./index.mjs').Scenario<import('../paired.mjs').PairedResult>} */
export const clientSecret = {
  id: 'client-secret',
  method: () => [],
  run: session => againstFloor(session, 'client-secret call', session.secretInputs),
  rows: result => [
    ...pairedRows(result, {
      wall: 'client-secret call (authority = simulator): wall',
      rss: 'client-secret call: peak RSS'
    }),
    {
      measure: 'client-secret call (authority = simulator): authority requests',
      value: countCell(result.authorityRequests),
      range: 'OpenID configuration + token',
      target: 'secret-authority-requests'
    }
  ]
}
