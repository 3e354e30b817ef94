import t from 'tap'
import { toProfile, type Profile, type ProfileOptions } from '../../src/claims/profile.js'

const NS = 'https://example.com'

/*
 * Claim sets shaped like the examples of Criipto Verify's eID pages
 * (https://docs.criipto.com/verify/e-ids/…, "JWT/Token example"), with the
 * protocol claims an ID token also carries.
 */
const protocol = { iss: 'https://example.criipto.id', aud: 'urn:my:application:identifier:1234', iat: 1700000000, exp: 1700001200 }

const swedishBankId = {
  ...protocol,
  identityscheme: 'sebankid',
  nameidentifier: '1373c272b61a4cb588b29c44883fe62f',
  sub: '{1373c272-b61a-4cb5-88b2-9c44883fe62f}',
  ssn: '196802020575',
  name: 'Terne Paulsen',
  given_name: 'Terne',
  family_name: 'Paulsen',
  ipaddress: '77.241.128.160',
  country: 'SE'
}

const norwegianBankId = {
  ...protocol,
  identityscheme: 'nobankid-oidc',
  nameidentifier: 'ee9b1bb905a6458e9f3b9d068f1a3765',
  sub: '{ee9b1bb9-05a6-458e-9f3b-9d068f1a3765}',
  uniqueuserid: '9578-6000-4-351726',
  certissuer: 'CN=BankID - TestBank1 - Bank CA 3,OU=123456789,O=TestBank1 AS,C=NO;OrginatorId=9980;OriginatorName=BINAS;OriginatorId=9980',
  certsubject: 'CN=CriiptoTest\\, Mikkel,O=TestBank1 AS,C=NO,SERIALNUMBER=9578-6000-4-351726',
  birthdate: '1946-03-27',
  socialno: '27034698436',
  family_name: 'CriiptoTest',
  given_name: 'Mikkel',
  name: 'Mikkel CriiptoTest',
  country: 'NO'
}

const mitId = {
  ...protocol,
  identityscheme: 'dkmitid',
  nameidentifier: '0f9960a0d28d4353a3e2ea07f8ffa185',
  sub: '{0f9960a0-d28d-4353-a3e2-ea07f8ffa185}',
  uuid: '74ffcd31-fbaf-4c33-bdac-169f25c1e416',
  cprNumberIdentifier: '2101270087',
  birthdate: '1927-01-21',
  age: '93',
  name: 'Ditlev Von Testesen',
  country: 'DK'
}

/** MitID with Criipto's address lookup add-on. */
const mitIdWithAddress = {
  ...protocol,
  identityscheme: 'dkmitid',
  sub: '{3687039b-97c3-4c67-aeb6-4da85f7e5818}',
  address: {
    formatted: 'Paiman Petersen\nGrusgraven 1,3 tv\n3400 Hillerød\n(Lokalitet ukendt)\nDanmark',
    common_name: 'Paiman Petersen',
    street_address: 'Grusgraven 1,3 tv',
    postal_code: '3400',
    city: 'Hillerød',
    locality: '(Lokalitet ukendt)',
    region: null,
    country: 'Danmark'
  },
  address_details: { road: 'Grusgraven', road_code: '1732', municipality: 'Lyngby-Taarbæk', municipality_code: '0173', house_number: '001', floor: '03', apartment_code: ' tv' },
  uuid: '8e6ab4ea-58b9-4130-a900-4366ba54eed9',
  cprNumberIdentifier: '2712589100',
  birthdate: '1958-12-27',
  age: '63',
  name: 'Paiman Petersen',
  country: 'DK'
}

const ftnBankId = {
  ...protocol,
  identityscheme: 'fitupas',
  nameidentifier: '788eb5abb2f84c0994a4d359f416f7ca',
  sub: '{788eb5ab-b2f8-4c09-94a4-d359f416f7ca}',
  name: '_19cfbd642c4a82b08613b841caf0e153c5956c14',
  country: 'FI',
  given_name: 'Väinö',
  family_name: 'Tunnistus',
  birthdate: '1970-07-07',
  satu: '',
  hetu: '070770-905D'
}

const itsme = {
  ...protocol,
  identityscheme: 'itsme',
  authenticationtype: 'urn:grn:authn:itsme:basic',
  nameidentifier: 'ba36dba1f5c6402ca3008d2abc1ac5b5',
  sub: '{ba36dba1-f5c6-402c-a300-8d2abc1ac5b5}',
  placeofbirth: { city: 'Uccle', country: 'BE', formatted: 'Uccle BE' },
  birthdate: '1980-01-01',
  phone_number_verified: 'true',
  phone_number: '+32 425010937',
  email: 'alexandre@example.com',
  nationalnumber: '42501093792',
  gender: 'male',
  family_name: 'Dierckx',
  given_name: 'Alexandre',
  name: 'Alexandre Dierckx',
  address: {
    formatted: 'Havenlaan 1 1000 Brussel BE',
    common_name: null,
    street_address: 'Havenlaan 1',
    postal_code: '1000',
    city: null,
    locality: 'Brussel',
    region: null,
    country: null
  }
}

/** The older shape of Criipto's tokens (https://github.com/criipto/docs-old, getting-started/token-contents.md). */
const legacySwedishBankId = {
  identityscheme: 'sebankid',
  sub: '{1373c272-b61a-4cb5-88b2-9c44883fe62f}',
  ssn: '196802020575',
  name: 'Terne Paulsen',
  givenname: 'Terne',
  surname: 'Paulsen',
  country: 'SE'
}

const legacyNorwegianBankId = {
  identityscheme: 'nobankid',
  sub: '{ee9b1bb9-05a6-458e-9f3b-9d068f1a3765}',
  dateofbirth: '1946-03-27',
  socialno: '27034698436',
  surname: 'CriiptoTest',
  givenname: 'Mikkel',
  name: 'Mikkel CriiptoTest',
  country: 'NO'
}

const TERNE: Profile = {
  sub: '{1373c272-b61a-4cb5-88b2-9c44883fe62f}',
  name: 'Terne Paulsen',
  givenName: 'Terne',
  familyName: 'Paulsen',
  nationalId: { country: 'SE', type: 'personnummer', value: '196802020575' },
  eid: 'sebankid'
}

const MIKKEL: Profile = {
  sub: '{ee9b1bb9-05a6-458e-9f3b-9d068f1a3765}',
  name: 'Mikkel CriiptoTest',
  givenName: 'Mikkel',
  familyName: 'CriiptoTest',
  birthdate: '1946-03-27',
  nationalId: { country: 'NO', type: 'fodselsnummer', value: '27034698436' },
  eid: 'nobankid'
}

const DITLEV: Profile = {
  sub: '{0f9960a0-d28d-4353-a3e2-ea07f8ffa185}',
  name: 'Ditlev Von Testesen',
  birthdate: '1927-01-21',
  nationalId: { country: 'DK', type: 'cpr', value: '2101270087' },
  eid: 'dkmitid'
}

const VAINO: Profile = {
  sub: '{788eb5ab-b2f8-4c09-94a4-d359f416f7ca}',
  givenName: 'Väinö',
  familyName: 'Tunnistus',
  birthdate: '1970-07-07',
  nationalId: { country: 'FI', type: 'hetu', value: '070770-905D' },
  eid: 'ftn'
}

/** Bare claim names removed, as when only an Auth0 Action's namespaced copies reach the ID token. */
function viaAuth0 (claims: Record<string, unknown>, connection: string, names: readonly string[]): Record<string, unknown> {
  const relayed: Record<string, unknown> = { ...claims, iss: 'https://tenant.eu.auth0.com/', sub: `oidc|${connection}|${String(claims.sub)}` }
  for (const name of names) {
    relayed[`${NS}/${name}`] = claims[name]
    delete relayed[name]
  }
  return relayed
}

type Row = [name: string, claims: Record<string, unknown>, options: ProfileOptions, expected: Profile]

const documented: Row[] = [
  ['Swedish BankID straight from Criipto', swedishBankId, {}, TERNE],
  ['Norwegian BankID straight from Criipto', norwegianBankId, {}, MIKKEL],
  ['MitID with CPR straight from Criipto', mitId, {}, DITLEV],
  ['MitID with the address add-on: the town comes from city, not the unknown locality', mitIdWithAddress, {}, {
    sub: '{3687039b-97c3-4c67-aeb6-4da85f7e5818}',
    name: 'Paiman Petersen',
    birthdate: '1958-12-27',
    nationalId: { country: 'DK', type: 'cpr', value: '2712589100' },
    address: {
      formatted: 'Paiman Petersen\nGrusgraven 1,3 tv\n3400 Hillerød\n(Lokalitet ukendt)\nDanmark',
      streetAddress: 'Grusgraven 1,3 tv',
      postalCode: '3400',
      locality: 'Hillerød',
      country: 'Danmark'
    },
    eid: 'dkmitid'
  }],
  ['FTN bank login: the provider\'s pseudonym in name is not shown as a name', ftnBankId, {}, VAINO],
  ['FTN Mobiilivarmenne (fimobileid) with a display name', { ...ftnBankId, identityscheme: 'fimobileid', name: 'Väinö Tunnistus', satu: '999198298' }, {},
    { ...VAINO, name: 'Väinö Tunnistus' }],
  ['itsme straight from Criipto: nationalNumber and nationalId side by side', itsme, {}, {
    sub: '{ba36dba1-f5c6-402c-a300-8d2abc1ac5b5}',
    name: 'Alexandre Dierckx',
    givenName: 'Alexandre',
    familyName: 'Dierckx',
    birthdate: '1980-01-01',
    gender: 'male',
    nationalNumber: '42501093792',
    nationalId: { country: 'BE', type: 'rrn', value: '42501093792' },
    address: { formatted: 'Havenlaan 1 1000 Brussel BE', streetAddress: 'Havenlaan 1', postalCode: '1000', locality: 'Brussel' },
    eid: 'itsme'
  }],
  ['Swedish BankID in Criipto\'s older shape (givenname, surname)', legacySwedishBankId, {}, TERNE],
  ['Norwegian BankID in Criipto\'s older shape (nobankid, dateofbirth)', legacyNorwegianBankId, {}, MIKKEL]
]

const auth0: Row[] = [
  ['Swedish BankID through Auth0: connection from EID_CONNECTIONS, ssn namespaced',
    viaAuth0(swedishBankId, 'criipto-sebankid', ['identityscheme', 'ssn']), { claimsNamespace: NS, eidConnections: { sebankid: 'criipto-sebankid' } },
    { ...TERNE, sub: 'oidc|criipto-sebankid|{1373c272-b61a-4cb5-88b2-9c44883fe62f}' }],
  ['Norwegian BankID through Auth0: identityscheme and socialno namespaced',
    viaAuth0(norwegianBankId, 'corp-no', ['identityscheme', 'socialno']), { claimsNamespace: NS, eidConnections: { nobankid: 'corp-no' } },
    { ...MIKKEL, sub: 'oidc|corp-no|{ee9b1bb9-05a6-458e-9f3b-9d068f1a3765}' }],
  ['through Auth0 a connection that is no eID connection gives no eID, whatever identityscheme the Action relays',
    viaAuth0(norwegianBankId, 'corp-no', ['identityscheme', 'socialno']), { claimsNamespace: NS },
    { ...MIKKEL, sub: 'oidc|corp-no|{ee9b1bb9-05a6-458e-9f3b-9d068f1a3765}', nationalId: undefined, eid: undefined }],
  ['MitID through Auth0: a connection named dkmitid needs no configuration',
    viaAuth0(mitId, 'dkmitid', ['identityscheme', 'cprNumberIdentifier']), { claimsNamespace: NS },
    { ...DITLEV, sub: 'oidc|dkmitid|{0f9960a0-d28d-4353-a3e2-ea07f8ffa185}' }],
  ['FTN through Auth0: the connection from EID_CONNECTIONS, the relayed fitupas agreeing', viaAuth0(ftnBankId, 'criipto-ftn', ['identityscheme', 'hetu']),
    { claimsNamespace: NS, eidConnections: { ftn: 'criipto-ftn' } },
    { ...VAINO, sub: 'oidc|criipto-ftn|{788eb5ab-b2f8-4c09-94a4-d359f416f7ca}' }],
  ['Criipto\'s bare names relayed by Auth0 work too', { ...swedishBankId, sub: 'oidc|criipto-sebankid|{x}' }, { claimsNamespace: NS, eidConnections: { sebankid: 'criipto-sebankid' } },
    { ...TERNE, sub: 'oidc|criipto-sebankid|{x}' }],
  ['a database user with a relayed Swedish BankID claim set gets no eID and no identifier', { ...swedishBankId, sub: 'auth0|65f0c1d2e3' },
    { claimsNamespace: NS, eidConnections: { sebankid: 'criipto-sebankid' } }, { ...TERNE, sub: 'auth0|65f0c1d2e3', nationalId: undefined, eid: undefined }],
  ['the namespaced identifier wins over the bare one', { ...swedishBankId, ssn: '200002291235', [`${NS}/ssn`]: '196802020575' }, { claimsNamespace: NS }, TERNE],
  ['a bad namespaced identifier is not replaced by the bare one', { ...swedishBankId, [`${NS}/ssn`]: '196802020576' }, { claimsNamespace: NS },
    { ...TERNE, nationalId: undefined }]
]

const negative: Row[] = [
  ['a Swedish personnummer with a wrong Luhn digit is left out', { ...swedishBankId, ssn: '196802020576' }, {}, { ...TERNE, nationalId: undefined }],
  ['a fødselsnummer with a wrong check digit is left out', { ...norwegianBankId, socialno: '27034698437' }, {}, { ...MIKKEL, nationalId: undefined }],
  ['a CPR number with an impossible date is left out', { ...mitId, cprNumberIdentifier: '3102270087' }, {}, { ...DITLEV, nationalId: undefined }],
  ['a HETU with a wrong check character is left out', { ...ftnBankId, hetu: '070770-905E' }, {}, { ...VAINO, nationalId: undefined }],
  ['an identifier sent as a number is left out', { ...swedishBankId, ssn: 196802020575 }, {}, { ...TERNE, nationalId: undefined }],
  ['an identifier sent as an object is left out', { ...norwegianBankId, socialno: { value: '27034698436' } }, {}, { ...MIKKEL, nationalId: undefined }],
  ['Norwegian BankID without the ssn scope gives no nationalId', { ...norwegianBankId, socialno: undefined }, {}, { ...MIKKEL, nationalId: undefined }],
  ['MitID without CPR collection gives no nationalId', { ...mitId, cprNumberIdentifier: undefined }, {}, { ...DITLEV, nationalId: undefined }],
  ['FTN without hetu gives no nationalId (the empty satu is not read)', { ...ftnBankId, hetu: undefined }, {}, { ...VAINO, nationalId: undefined }],
  ['another eID\'s identifier claim is not read', { ...swedishBankId, ssn: undefined, socialno: '27034698436', hetu: '070770-905D' }, {},
    { ...TERNE, nationalId: undefined }],
  ['an unknown identityscheme keeps working, without a nationalId', { ...swedishBankId, identityscheme: 'nldigid' }, {},
    { ...TERNE, nationalId: undefined, eid: 'nldigid' }],
  ['an identifier with no eID to name its country is left out', { ...swedishBankId, identityscheme: undefined }, {},
    { ...TERNE, nationalId: undefined, eid: undefined }],
  ['an identityscheme that contradicts the connection gives no eID and no identifier', { ...swedishBankId, sub: 'oidc|criipto-itsme|{x}', nationalnumber: '65070862267' },
    { eidConnections: { itsme: 'criipto-itsme' } }, { ...TERNE, sub: 'oidc|criipto-itsme|{x}', nationalId: undefined, eid: undefined }],
  ['a Belgian number beside a Swedish BankID login is not reported', { ...swedishBankId, nationalnumber: '65070862267' }, {}, TERNE],
  ['given_name wins over the older givenname', { ...swedishBankId, givenname: 'Other', surname: 'Other' }, {}, TERNE],
  ['a pseudonym-like name is kept for an eID other than FTN', { ...swedishBankId, name: '_19cfbd642c4a82b08613b841caf0e153c5956c14' }, {},
    { ...TERNE, name: '_19cfbd642c4a82b08613b841caf0e153c5956c14' }],
  ['a real FTN display name that starts with an underscore but is not hex is kept', { ...ftnBankId, name: '_Väinö' }, {}, { ...VAINO, name: '_Väinö' }],
  ['a malformed dateofbirth is ignored', { ...legacyNorwegianBankId, dateofbirth: '27.03.1946' }, {}, { ...MIKKEL, birthdate: undefined }],
  ['birthdate wins over dateofbirth', { ...legacyNorwegianBankId, birthdate: '1946-03-28' }, {}, { ...MIKKEL, birthdate: '1946-03-28' }]
]

for (const [group, rows] of [['documented examples', documented], ['through Auth0', auth0], ['negative', negative]] as const) {
  t.test(group, async (t) => {
    for (const [name, claims, options, expected] of rows) {
      const profile = toProfile(claims, options)
      const wanted = JSON.parse(JSON.stringify(expected)) as Profile
      // strictSame alone would let a key with an undefined value pass for a missing one.
      t.strictSame(JSON.parse(JSON.stringify(profile)), wanted, name)
      t.strictSame(Object.keys(profile).sort(), Object.keys(wanted).sort(), `${name}: no extra keys`)
    }
  })
}

t.test('nationalId comes right after nationalNumber, as in the contract', async (t) => {
  t.strictSame(Object.keys(toProfile(itsme)),
    ['sub', 'name', 'givenName', 'familyName', 'birthdate', 'gender', 'nationalNumber', 'nationalId', 'address', 'eid'])
})
