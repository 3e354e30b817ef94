import t from 'tap'
import { normalizePersonnummer } from '../../src/claims/swedish-personnummer.js'

// Check digits below were worked out with the Luhn rule over the last ten digits.
const rows: Array<[name: string, input: unknown, expected: string | undefined]> = [
  ['a wrong Luhn digit is refused', '196802020576', undefined],
  ['the 10-digit form is refused: the century is missing', '6802020575', undefined],
  ['the 10-digit form with a plus sign is refused', '680202+0575', undefined],
  ['13 digits are refused', '1968020205750', undefined],
  ['a letter among the digits is refused', '19680202057A', undefined],
  ['full-width digits are refused', '１９６８０２０２０５７５', undefined],
  ['two hyphens are refused', '19680202--0575', undefined],
  ['a hyphen elsewhere is refused', '1968-02020575', undefined],
  ['month 13 is refused even with a matching Luhn digit', '196813020572', undefined],
  ['31 April is refused even with a matching Luhn digit', '196804310578', undefined],
  ['day 00 is refused even with a matching Luhn digit', '196802000577', undefined],
  ['a co-ordination number (day + 60) is not a personnummer', '196802620572', undefined],
  ['29 February 1900 is refused (not a leap year)', '190002291235', undefined],
  ['a number value is refused', 196802020575, undefined],
  ['null is refused', null, undefined],
  ['an object is refused', { ssn: '196802020575' }, undefined],
  ['an overlong string is refused', '196802020575'.padEnd(40, ' '), undefined],
  ['the example of Criipto\'s Swedish BankID page is valid', '196802020575', '196802020575'],
  ['the hyphen before the last four digits is dropped', '19680202-0575', '196802020575'],
  ['surrounding blanks are trimmed', ' 196802020575 ', '196802020575'],
  ['29 February 2000 is valid', '200002291235', '200002291235'],
  ['a birth after 2000 is valid', '201212121246', '201212121246']
]

for (const [name, input, expected] of rows) {
  t.equal(normalizePersonnummer(input), expected, name)
}
