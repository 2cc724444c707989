// @ts-check
/**
 * The smoke-test sample of the README's "Many calls in one step": five calls to the standard
 * UserSessionService, each with its own check, as the `calls` input holds them. `npm run demo`
 * runs it against the simulator, and a test keeps the README's copy the same.
 * @module
 */

/** The `calls` input of the smoke-test sample, as written in the README. */
export const SmokeCalls = `- name: Signed in
  service-name: UserSessionService/AifUserSessionService/GetUserSessionInfo
  success-when: UserId
- name: Default company
  service-name: UserSessionService/AifUserSessionService/GetUserSessionInfo
  success-when: "Company == 'USMF'"
- name: Single partition
  service-name: UserSessionService/AifUserSessionService/IsSinglePartitionSystem
  success-when: "@"
- name: Partition key
  service-name: UserSessionService/AifUserSessionService/GetPartitionKey
  success-when: "@ == 'initial'"
- name: Time zone conversion
  service-name: UserSessionService/AifUserSessionService/ApplyTimeZone
  payload: { _dateTime: "2025-01-01T12:00:00Z", _timeZone: 58 }
  fail-when: "@ == \`null\`"
`
