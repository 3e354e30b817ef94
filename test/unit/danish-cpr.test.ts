import t from 'tap'
import { normalizeCpr } from '../../src/claims/danish-cpr.js'

// The century comes from the first serial digit and the year (CPR-kontoret's table).
const rows: Array<[name: string, input: unknown, expected: string | undefined]> = [
  ['9 digits are refused', '210127008', undefined],
  ['11 digits are refused', '21012700871', undefined],
  ['a letter among the digits is refused', '210127008A', undefined],
  ['a hyphen elsewhere is refused', '2101-270087', undefined],
  ['day 32 is refused', '3201270087', undefined],
  ['day 00 is refused', '0001270087', undefined],
  ['month 13 is refused', '2113270087', undefined],
  ['31 April is refused', '3104270087', undefined],
  ['29 February 1900 is refused (serial 0–3: the 1900s)', '2902001234', undefined],
  ['29 February 1858 is refused (serial 5–8 with year 58–99: the 1800s)', '2902585123', undefined],
  ['a number value is refused', 2101270087, undefined],
  ['null is refused', null, undefined],
  ['the first example of Criipto\'s MitID page is valid', '2101270087', '2101270087'],
  ['the second example of Criipto\'s MitID page is valid (serial 9, year 58: 1958)', '2712589100', '2712589100'],
  ['the hyphen printed on the health card is dropped', '210127-0087', '2101270087'],
  ['surrounding blanks are trimmed', ' 2101270087 ', '2101270087'],
  ['a number that fails the old modulus-11 rule is valid (given up in 2007)', '2101270088', '2101270088'],
  ['29 February 2000 is valid (serial 4 with year 00: the 2000s)', '2902004123', '2902004123'],
  ['29 February 2056 is valid (serial 5 with year 56: the 2000s)', '2902565123', '2902565123']
]

for (const [name, input, expected] of rows) {
  t.equal(normalizeCpr(input), expected, name)
}
