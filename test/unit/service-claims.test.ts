import t from 'tap'
import { claimScopesOf, claimsForScopes, isAtLeast } from '../../src/claims/service-claims.js'

const day = (iso: string): Date => new Date(`${iso}T12:00:00Z`)

t.test('age from a full birthdate turns on the birthday itself', async (t) => {
  t.equal(isAtLeast('2008-07-08', 18, day('2026-07-07')), false, 'the day before')
  t.equal(isAtLeast('2008-07-08', 18, day('2026-07-08')), true, 'the birthday')
  t.equal(isAtLeast('2005-12-31', 21, day('2026-12-31')), true)
  t.equal(isAtLeast('2005-12-31', 21, day('2026-12-30')), false)
})

t.test('born on 29 February: of age on 1 March in a common year, on 29 February in a leap year', async (t) => {
  t.equal(isAtLeast('2008-02-29', 18, day('2026-02-28')), false)
  t.equal(isAtLeast('2008-02-29', 18, day('2026-03-01')), true)
  t.equal(isAtLeast('2004-02-29', 18, day('2022-02-28')), false)
  t.equal(isAtLeast('2000-02-29', 24, day('2024-02-29')), true, 'a leap year birthday')
})

t.test('a year alone answers only when the whole year agrees; year 0000 never does', async (t) => {
  t.equal(isAtLeast('2008', 18, day('2026-12-31')), true, 'even a 31 December birthday has passed')
  t.equal(isAtLeast('2008', 18, day('2026-06-15')), undefined, 'depends on the day')
  t.equal(isAtLeast('2008', 18, day('2025-12-31')), false, 'not even a 1 January birthday has come')
  t.equal(isAtLeast('0000', 18, day('2026-06-15')), undefined, 'the year was withheld')
})

t.test('scopes open their fields only, and unknown scopes open nothing', async (t) => {
  const profile = {
    sub: 's', eid: 'sebankid', name: 'A B', givenName: 'A', familyName: 'B', birthdate: '1990', gender: 'x',
    nationalId: { country: 'SE', type: 'personnummer', value: '199001011234' }, address: { locality: 'Lund' }
  }
  t.same(claimScopesOf(['openid', 'claims:age', 'claims:everything', 'claims:profile']), ['claims:profile', 'claims:age'], 'in a fixed order')
  t.same(claimsForScopes(profile, []), { sub: 's', eid: 'sebankid' })
  t.same(claimsForScopes(profile, ['claims:age'], day('2026-06-01')), { sub: 's', eid: 'sebankid', ageOver18: true, ageOver21: true })
  t.same(claimsForScopes(profile, ['claims:national_number']), { sub: 's', eid: 'sebankid', nationalId: profile.nationalId }, 'no nationalNumber outside Belgium')
  t.notOk('gender' in claimsForScopes(profile, ['claims:profile', 'claims:birthdate', 'claims:age', 'claims:address', 'claims:national_number']), 'gender is in no scope')
  t.same(claimsForScopes({ sub: 'bare' }, ['claims:age', 'claims:address']), { sub: 'bare' }, 'nothing invented')
})
