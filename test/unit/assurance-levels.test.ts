import t from 'tap'
import { ACR_LEVELS, findAcrLevel, levelOfAcrValues, lowerLevel, meetsLevel, type AssuranceLevel } from '../../src/claims/assurance.js'
import { findEidByAcr } from '../../src/claims/eids.js'

t.test('every documented acr value of every eID maps to its eIDAS level', async (t) => {
  const rows: Array<[name: string, acr: string, eid: string, level: AssuranceLevel]> = [
    ['itsme advanced (the itsme code is forced) is high', 'urn:grn:authn:itsme:advanced', 'itsme', 'high'],
    ['itsme basic (fingerprint or code) is substantial', 'urn:grn:authn:itsme:basic', 'itsme', 'substantial'],
    ['Norwegian BankID high (kodebrikke) is high', 'urn:grn:authn:no:bankid:high', 'nobankid', 'high'],
    ['Norwegian BankID substantial (app with biometrics) is substantial', 'urn:grn:authn:no:bankid:substantial', 'nobankid', 'substantial'],
    ['Norwegian BankID without a level may be the biometric app: substantial', 'urn:grn:authn:no:bankid', 'nobankid', 'substantial'],
    ['Swedish BankID, the user\'s choice, is substantial (trust level 3)', 'urn:grn:authn:se:bankid', 'sebankid', 'substantial'],
    ['Swedish BankID on the same device is substantial', 'urn:grn:authn:se:bankid:same-device', 'sebankid', 'substantial'],
    ['Swedish BankID on another device is substantial', 'urn:grn:authn:se:bankid:another-device', 'sebankid', 'substantial'],
    ['Swedish BankID by QR code on another device is substantial', 'urn:grn:authn:se:bankid:another-device:qr', 'sebankid', 'substantial'],
    ['Swedish BankID by QR code (the short form) is substantial', 'urn:grn:authn:se:bankid:qr', 'sebankid', 'substantial'],
    ['MitID high is high', 'urn:grn:authn:dk:mitid:high', 'dkmitid', 'high'],
    ['MitID substantial is substantial', 'urn:grn:authn:dk:mitid:substantial', 'dkmitid', 'substantial'],
    ['MitID low is low', 'urn:grn:authn:dk:mitid:low', 'dkmitid', 'low'],
    ['FTN banks are substantial', 'urn:grn:authn:fi:bank-id', 'ftn', 'substantial'],
    ['FTN mobile certificate is substantial', 'urn:grn:authn:fi:mobile-id', 'ftn', 'substantial'],
    ['FTN, either of them, is substantial', 'urn:grn:authn:fi:all', 'ftn', 'substantial']
  ]
  for (const [name, acr, eid, level] of rows) t.strictSame(findAcrLevel(acr), { acr, eid, level }, name)
  t.equal(rows.length, ACR_LEVELS.length, 'every row of the table is tested')
})

t.test('a value the table does not list proves no level', async (t) => {
  const rows: Array<[name: string, acr: string]> = [
    ['MitID Erhverv names no level', 'urn:grn:authn:dk:mitid:business'],
    ['Vipps is not in the table', 'urn:grn:authn:no:vipps'],
    ['a level spelt wrong', 'urn:grn:authn:itsme:advance'],
    ['a longer word after a known value', 'urn:grn:authn:itsme:advanced2'],
    ['a known value with more after a colon', 'urn:grn:authn:dk:mitid:high:extra'],
    ['the eID without its itsme level', 'urn:grn:authn:itsme'],
    ['Auth0\'s MFA policy', 'http://schemas.openid.net/pape/policies/2007/06/multi-factor'],
    ['an eIDAS level name alone', 'high'],
    ['the empty string', '']
  ]
  for (const [name, acr] of rows) t.equal(findAcrLevel(acr), undefined, name)
  t.equal(findAcrLevel('URN:GRN:AUTHN:DK:MITID:HIGH')?.level, 'high', 'any case')
})

t.test('every row belongs to the eID its acr prefix names', async (t) => {
  for (const row of ACR_LEVELS) {
    t.equal(findEidByAcr(row.acr)?.eid, row.eid, row.acr)
    t.equal(row.acr, row.acr.toLowerCase(), `${row.acr}: lower case`)
  }
  t.equal(new Set(ACR_LEVELS.map((row) => row.acr)).size, ACR_LEVELS.length, 'each value once')
})

t.test('levels compare low < substantial < high, and no level reaches nothing', async (t) => {
  const rows: Array<[name: string, actual: AssuranceLevel | undefined, required: AssuranceLevel, expected: boolean]> = [
    ['high reaches high', 'high', 'high', true],
    ['high reaches substantial', 'high', 'substantial', true],
    ['substantial does not reach high', 'substantial', 'high', false],
    ['low does not reach substantial', 'low', 'substantial', false],
    ['low reaches low', 'low', 'low', true],
    ['no level does not reach low', undefined, 'low', false]
  ]
  for (const [name, actual, required, expected] of rows) t.equal(meetsLevel(actual, required), expected, name)
})

t.test('several acr values prove the lowest of their levels', async (t) => {
  const rows: Array<[name: string, values: string[], expected: AssuranceLevel | undefined]> = [
    ['one value', ['urn:grn:authn:itsme:advanced'], 'high'],
    ['the provider may answer either: the lower counts', ['urn:grn:authn:itsme:advanced', 'urn:grn:authn:itsme:basic'], 'substantial'],
    ['across eIDs too', ['urn:grn:authn:dk:mitid:high', 'urn:grn:authn:dk:mitid:low'], 'low'],
    ['one unlisted value makes no level', ['urn:grn:authn:dk:mitid:high', 'urn:grn:authn:dk:mitid:business'], undefined],
    ['no value, no level', [], undefined]
  ]
  for (const [name, values, expected] of rows) t.equal(levelOfAcrValues(values), expected, name)
  t.equal(lowerLevel('high', undefined), undefined, 'no level is lower than any')
  t.equal(lowerLevel('substantial', 'high'), 'substantial')
})
