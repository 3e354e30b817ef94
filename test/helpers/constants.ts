export const TEST_NAMESPACE = 'https://example.com'
export const TEST_CLIENT_ID = 'bff-test'
export const TEST_CLIENT_SECRET = 'test-client-secret'
export const TEST_SECRET = 'test-session-secret-that-is-long-enough-0123456789'

/** The contract's example person, as /me must show her (without `session`). */
export const CHRIS_PROFILE = {
  sub: 'oidc|itsme|{f729d0aa-db04-44e7-b5c7-b961cd170db3}',
  name: 'Chris Ricardo',
  givenName: 'Chris',
  familyName: 'Ricardo',
  birthdate: '1965-07-08',
  gender: 'female',
  nationalNumber: '65070862267',
  nationalId: { country: 'BE', type: 'rrn', value: '65070862267' },
  address: {
    formatted: 'Louizalaan 7 1000 Brussel',
    streetAddress: 'Louizalaan 7',
    postalCode: '1000',
    locality: 'Brussel',
    country: 'BE'
  },
  eid: 'itsme'
}
