import t from 'tap'
import { EIDS, findEid, findEidByAcr } from '../../src/claims/eids.js'
import { toNationalId } from '../../src/claims/national-id.js'

t.test('the eID table is consistent', async (t) => {
  const names = EIDS.map((definition) => definition.eid)
  const schemes = EIDS.flatMap((definition) => definition.identitySchemes)
  t.equal(new Set(names).size, names.length, 'short names are unique')
  t.equal(new Set(schemes).size, schemes.length, 'no identityscheme belongs to two eIDs')
  for (const definition of EIDS) {
    const others = EIDS.filter((other) => other !== definition).flatMap((other) => other.identitySchemes)
    t.notOk(others.includes(definition.eid), `${definition.eid}: not another eID's identityscheme`)
  }
  for (const definition of EIDS) {
    t.match(definition.country, /^[A-Z]{2}$/, `${definition.eid}: ISO 3166-1 alpha-2 country`)
    t.ok(definition.identitySchemes.every((scheme) => scheme === scheme.toLowerCase()), `${definition.eid}: schemes in lower case`)
    t.not(definition.claim, '', `${definition.eid}: names a claim`)
    t.ok(definition.acrValues.length > 0 && definition.acrValues.every((acr) => /^urn:grn:authn:[a-z0-9:-]+[a-z0-9]$/.test(acr)), `${definition.eid}: Criipto acr values, lower case`)
  }
  const acrs = EIDS.flatMap((definition) => definition.acrValues)
  for (const acr of acrs) {
    t.notOk(acrs.some((other) => other !== acr && other.startsWith(`${acr}:`)), `${acr}: no other eID's acr value starts with it`)
  }
})

t.test('findEidByAcr knows Criipto\'s acr values and the levels under them, and nothing that only looks alike', async (t) => {
  const rows: Array<[name: string, input: string, expected: string | undefined]> = [
    ['itsme advanced', 'urn:grn:authn:itsme:advanced', 'itsme'],
    ['itsme basic', 'urn:grn:authn:itsme:basic', 'itsme'],
    ['Norwegian BankID', 'urn:grn:authn:no:bankid', 'nobankid'],
    ['Norwegian BankID at a level', 'urn:grn:authn:no:bankid:substantial', 'nobankid'],
    ['Swedish BankID on the same device', 'urn:grn:authn:se:bankid:same-device', 'sebankid'],
    ['Swedish BankID by QR code', 'urn:grn:authn:se:bankid:qr', 'sebankid'],
    ['MitID substantial', 'urn:grn:authn:dk:mitid:substantial', 'dkmitid'],
    ['FTN banks', 'urn:grn:authn:fi:bank-id', 'ftn'],
    ['FTN mobile certificate', 'urn:grn:authn:fi:mobile-id', 'ftn'],
    ['upper case', 'URN:GRN:AUTHN:DK:MITID:HIGH', 'dkmitid'],
    ['a longer word is not a level', 'urn:grn:authn:itsmex', undefined],
    ['Vipps is not Norwegian BankID', 'urn:grn:authn:no:vipps', undefined],
    ['the common prefix alone', 'urn:grn:authn', undefined],
    ['an MFA policy', 'http://schemas.openid.net/pape/policies/2007/06/multi-factor', undefined],
    ['an identityscheme is no acr', 'sebankid', undefined],
    ['the empty string', '', undefined]
  ]
  for (const [name, input, expected] of rows) t.equal(findEidByAcr(input)?.eid, expected, name)
})

t.test('findEid knows short names and identityscheme values, in any case', async (t) => {
  const rows: Array<[name: string, input: string, expected: string | undefined]> = [
    ['an unknown eID is not found', 'nldigid', undefined],
    ['the empty string is not found', '', undefined],
    ['a prefix of a name is not found', 'nobank', undefined],
    ['a short name', 'sebankid', 'sebankid'],
    ['a short name that is no identityscheme', 'ftn', 'ftn'],
    ['Norwegian BankID\'s OIDC scheme', 'nobankid-oidc', 'nobankid'],
    ['Norwegian BankID\'s older scheme', 'nobankid', 'nobankid'],
    ['FTN\'s bank scheme', 'fitupas', 'ftn'],
    ['FTN\'s mobile certificate scheme', 'fimobileid', 'ftn'],
    ['upper case', 'DKMITID', 'dkmitid']
  ]
  for (const [name, input, expected] of rows) t.equal(findEid(input)?.eid, expected, name)
})

t.test('toNationalId reads only the signed-in eID\'s claim', async (t) => {
  const claims: Record<string, unknown> = {
    nationalnumber: '65070862267',
    socialno: '27034698436',
    ssn: '196802020575',
    cprNumberIdentifier: '2101270087',
    hetu: '070770-905D'
  }
  const read = (name: string): unknown => claims[name]
  const rows: Array<[name: string, eid: string | undefined, expected: unknown]> = [
    ['no eID gives no national id', undefined, undefined],
    ['an unknown eID gives no national id', 'nldigid', undefined],
    ['itsme', 'itsme', { country: 'BE', type: 'rrn', value: '65070862267' }],
    ['Norwegian BankID', 'nobankid', { country: 'NO', type: 'fodselsnummer', value: '27034698436' }],
    ['Swedish BankID', 'sebankid', { country: 'SE', type: 'personnummer', value: '196802020575' }],
    ['MitID', 'dkmitid', { country: 'DK', type: 'cpr', value: '2101270087' }],
    ['FTN', 'ftn', { country: 'FI', type: 'hetu', value: '070770-905D' }],
    ['an EID_CONNECTIONS name spelt as the identityscheme', 'fitupas', { country: 'FI', type: 'hetu', value: '070770-905D' }]
  ]
  for (const [name, eid, expected] of rows) t.strictSame(toNationalId(eid, read), expected, name)
  t.equal(toNationalId('sebankid', () => '196802020576'), undefined, 'a value that fails its check gives none')
  t.equal(toNationalId('sebankid', () => undefined), undefined, 'a missing claim gives none')
})
