import t from 'tap'
import { isCalendarDate } from '../../src/claims/calendar.js'

const rows: Array<[name: string, date: [year: number, month: number, day: number], expected: boolean]> = [
  ['month 0 is refused', [2000, 0, 1], false],
  ['month 13 is refused', [2000, 13, 1], false],
  ['day 0 is refused', [2000, 1, 0], false],
  ['31 April is refused', [2000, 4, 31], false],
  ['29 February 1900 is refused (a century not divisible by 400)', [1900, 2, 29], false],
  ['29 February 2023 is refused', [2023, 2, 29], false],
  ['a fractional day is refused', [2000, 1, 1.5], false],
  ['NaN is refused', [Number.NaN, 1, 1], false],
  ['29 February 2000 is valid', [2000, 2, 29], true],
  ['29 February 2024 is valid', [2024, 2, 29], true],
  ['31 December is valid', [1858, 12, 31], true]
]

for (const [name, [year, month, day], expected] of rows) {
  t.equal(isCalendarDate(year, month, day), expected, name)
}
