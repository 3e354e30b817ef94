import { readFileSync } from 'node:fs'

export interface DemoFile {
  readonly body: Buffer
  readonly contentType: string
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8'
}

/** public/demo is next to src/ in the source tree, and next to dist/ in the build. */
const FOLDERS = ['../../public/demo/', '../../../public/demo/']

/**
 * One file of the demo frontend (`index.html`, `app.js`, `app.css`), read
 * once when the routes are registered. Throws when the files are not there,
 * so a gateway told to serve the demo never starts without it.
 */
export function readDemoFile (name: string): DemoFile {
  const contentType = CONTENT_TYPES[name.slice(name.lastIndexOf('.') + 1)]
  if (contentType === undefined || !/^[\w-]+\.\w+$/.test(name)) throw new TypeError(`not a demo file name: ${name}`)
  for (const folder of FOLDERS) {
    try {
      return { body: readFileSync(new URL(`${folder}${name}`, import.meta.url)), contentType }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
  throw new Error(`The demo frontend's ${name} is missing: public/demo/ must be deployed next to dist/ (or turn the demo off with DEMO=false)`)
}
