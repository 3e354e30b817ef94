import t from 'tap'
import { prefersHtml } from '../../src/demo/accept.js'

const CHROME = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7'
const FIREFOX = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'

const cases: Array<[string, string | undefined, boolean]> = [
  ['a browser navigation (Chromium) gets the page', CHROME, true],
  ['a browser navigation (Firefox) gets the page', FIREFOX, true],
  ['no Accept header gets JSON', undefined, false],
  ['*/* (curl, fetch) gets JSON', '*/*', false],
  ['application/json gets JSON', 'application/json', false],
  ['JSON preferred over HTML gets JSON', 'text/html;q=0.5, application/json', false],
  ['HTML preferred over JSON gets the page', 'application/json;q=0.5, text/html', true],
  ['equal qualities get JSON', 'text/html, application/json', false],
  ['text/* gets the page', 'text/*', true],
  ['the most specific range wins: html refused', 'text/html;q=0, */*', false],
  ['the most specific range wins: json refused', 'application/json;q=0, */*', true],
  ['upper case and spaces are read', ' TEXT/HTML ; Q=1 ', true],
  ['a q that is not a quality counts as 1', 'text/html;q=7, application/json;q=0.9', true],
  ['an unreadable header gets JSON', ';;;,,,/,*/', false],
  ['an overlong header is not read', `text/html, ${'x/y, '.repeat(400)}`, false],
  ['an empty header gets JSON', '', false]
]

for (const [name, accept, expected] of cases) {
  t.equal(prefersHtml(accept), expected, name)
}
