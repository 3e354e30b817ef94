import t from 'tap'
import { readdir, readFile, stat } from 'node:fs/promises'
import { dirname, extname, isAbsolute, join, relative, resolve } from 'node:path'

const root = join(import.meta.dirname, '..', '..')

/**
 * The anchor GitHub gives a heading (as github-slugger does): lower case,
 * every character that is not a letter, a mark, a digit, `_`, `-` or a space
 * dropped, each space turned into `-`. The text is the heading as rendered:
 * code spans keep their content, links their text, HTML tags go.
 */
function githubSlug (heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(`+)([\s\S]*?)\1|<[^>]+>/g, (_tag, ticks?: string, code?: string) => ticks === undefined ? '' : code ?? '')
  return text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-')
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/

/** The lines of a Markdown file with fenced code blocks blanked (line numbers kept). */
function proseLines (markdown: string): string[] {
  const lines = markdown.split('\n')
  let fence: string | undefined
  return lines.map((line) => {
    const opening = FENCE.exec(line)
    if (fence === undefined) {
      if (opening !== null) {
        fence = opening[1] as string
        return ''
      }
      return line
    }
    if (opening !== null && opening[1]?.[0] === fence[0] && (opening[1]?.length ?? 0) >= fence.length && line.trim() === opening[1]) fence = undefined
    return ''
  })
}

/** Every anchor the headings (ATX and setext) and explicit `id`/`name` attributes of a file produce. */
function anchorsOf (markdown: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  const add = (heading: string): void => {
    const slug = githubSlug(heading.trim())
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  const lines = proseLines(markdown)
  lines.forEach((line, i) => {
    const atx = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/.exec(line)
    if (atx !== null) add(atx[1] ?? '')
    const previous = lines[i - 1]
    if (/^ {0,3}(=+|-+)[ \t]*$/.test(line) && previous !== undefined && previous.trim() !== '' && !/^ {0,3}([#>|*+-]|\d+[.)])/.test(previous)) add(previous)
    for (const match of line.matchAll(/<a\s[^>]*?\b(?:id|name)="([^"]+)"/g)) anchors.add(match[1] as string)
  })
  return anchors
}

interface Link { readonly line: number, readonly target: string }

/** Inline links and images, reference definitions and HTML href/src, outside code. */
function linksOf (markdown: string): Link[] {
  const links: Link[] = []
  proseLines(markdown).forEach((raw, i) => {
    const line = raw.replace(/(`+)[\s\S]*?\1/g, (span) => ' '.repeat(span.length))
    const found = [
      ...[...line.matchAll(/\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)].map((match) => match[1] as string),
      ...[...line.matchAll(/^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/g)].map((match) => match[1] as string),
      ...[...line.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((match) => match[1] as string)
    ]
    for (const target of found) links.push({ line: i + 1, target: target.replace(/^<|>$/g, '') })
  })
  return links
}

/** A link that leaves the repository's files: a scheme (`https:`, `mailto:`) or a network path. */
function isExternal (target: string): boolean {
  return /^[a-z][a-z\d+.-]*:/i.test(target) || target.startsWith('//')
}

async function exists (path: string): Promise<boolean> {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

interface LinkReport { readonly problems: string[], readonly checked: number }

/**
 * Checks the relative links of each file: the file or folder must exist inside
 * `base`, and an anchor must be one that a heading of the Markdown file it
 * points into produces. External links are not fetched.
 */
async function checkLinks (base: string, files: readonly string[]): Promise<LinkReport> {
  const problems: string[] = []
  const anchorCache = new Map<string, Set<string>>()
  const anchors = async (file: string): Promise<Set<string>> => {
    let found = anchorCache.get(file)
    if (found === undefined) {
      found = anchorsOf(await readFile(file, 'utf8'))
      anchorCache.set(file, found)
    }
    return found
  }
  let checked = 0
  for (const file of files) {
    const name = relative(base, file)
    for (const { line, target } of linksOf(await readFile(file, 'utf8'))) {
      if (isExternal(target)) continue
      checked++
      const where = `${name}:${line}: ${target}`
      const hash = target.indexOf('#')
      let path: string
      let anchor: string | undefined
      try {
        path = decodeURIComponent(hash === -1 ? target : target.slice(0, hash))
        anchor = hash === -1 ? undefined : decodeURIComponent(target.slice(hash + 1))
      } catch {
        problems.push(`${where}: not valid percent-encoding`)
        continue
      }
      const resolved = path === '' ? file : path.startsWith('/') ? join(base, path) : resolve(dirname(file), path)
      const inside = relative(base, resolved)
      if (inside.startsWith('..') || isAbsolute(inside)) {
        problems.push(`${where}: points outside the repository`)
        continue
      }
      if (!await exists(resolved)) {
        problems.push(`${where}: no such file`)
        continue
      }
      if (anchor === undefined) continue
      if (extname(resolved).toLowerCase() !== '.md') {
        problems.push(`${where}: an anchor into a file that is not Markdown`)
        continue
      }
      if (!(await anchors(resolved)).has(anchor)) {
        problems.push(`${where}: no heading of ${relative(base, resolved)} makes the anchor #${anchor}`)
      }
    }
  }
  return { problems, checked }
}

async function documentationFiles (): Promise<string[]> {
  const docs = (await readdir(join(root, 'docs'))).filter((file) => file.endsWith('.md')).sort()
  return [join(root, 'README.md'), ...docs.map((file) => join(root, 'docs', file))]
}

t.test('headings get the anchors GitHub gives them', async (t) => {
  const cases: Array<[string, string]> = [
    ['The `/me` profile', 'the-me-profile'],
    ['The `/api` proxy', 'the-api-proxy'],
    ['The `/api/<name>` mount and <em>emphasis</em>', 'the-apiname-mount-and-emphasis'],
    ['4. Auth0: an Action that adds the itsme claims', '4-auth0-an-action-that-adds-the-itsme-claims'],
    ['Connecting a real Auth0 tenant with Criipto Verify\'s itsme', 'connecting-a-real-auth0-tenant-with-criipto-verifys-itsme'],
    ['The targets this suite misses, and why', 'the-targets-this-suite-misses-and-why'],
    ['The mod_auth_openidc peer', 'the-mod_auth_openidc-peer'],
    ['Service-to-service claim lookups', 'service-to-service-claim-lookups'],
    ['Scaling out: several instances sharing Redis', 'scaling-out-several-instances-sharing-redis'],
    ['See [the API](api.md) now', 'see-the-api-now'],
    ['Fødselsnummer & Straße', 'fødselsnummer--straße'],
    ['Two  spaces', 'two--spaces']
  ]
  for (const [heading, slug] of cases) t.equal(githubSlug(heading), slug, heading)

  const anchors = anchorsOf('# Usage\n\n## Usage\n\n```\n# not a heading\n```\n\nSetext\n------\n\n<a id="kept"></a>\n')
  t.same([...anchors].sort(), ['kept', 'setext', 'usage', 'usage-1'], 'repeated headings count up; code is not a heading')
})

t.test('the checker reports a missing file, a missing anchor and an escape, and nothing else', async (t) => {
  const dir = t.testdir({
    'README.md': [
      '# Top',
      '',
      'Fine: [guide](docs/guide.md), [its part](docs/guide.md#part-two), [here](#top),',
      '[folder](docs/), ![picture](docs/shot.png), [external](https://example.com/missing.md).',
      'Broken: [gone](docs/gone.md), [no anchor](docs/guide.md#part-three), [no local anchor](#bottom),',
      '[outside](../elsewhere.md), [anchor into a picture](docs/shot.png#x).',
      '',
      '```md',
      '[in a code block](nowhere.md)',
      '```',
      '',
      'Inline code is not a link: `[x](nowhere.md)`.',
      '',
      '[ref]: docs/missing-too.md'
    ].join('\n'),
    docs: {
      'guide.md': '# Guide\n\n## Part two\n',
      'shot.png': ''
    }
  })
  const { problems, checked } = await checkLinks(dir, [join(dir, 'README.md')])
  t.same(problems, [
    'README.md:5: docs/gone.md: no such file',
    'README.md:5: docs/guide.md#part-three: no heading of docs/guide.md makes the anchor #part-three',
    'README.md:5: #bottom: no heading of README.md makes the anchor #bottom',
    'README.md:6: ../elsewhere.md: points outside the repository',
    'README.md:6: docs/shot.png#x: an anchor into a file that is not Markdown',
    'README.md:14: docs/missing-too.md: no such file'
  ])
  t.equal(checked, 11, 'every relative link was looked at; the external one and those in code were not')
})

t.test('README.md and docs/*.md have no broken relative link or anchor', async (t) => {
  const files = await documentationFiles()
  t.ok(files.length >= 10, `${files.length} files`)
  const { problems, checked } = await checkLinks(root, files)
  t.ok(checked >= 60, `${checked} relative links checked`)
  t.same(problems, [])
})

t.test('docs/README.md lists every page of docs/, and README.md links to it or to each page', async (t) => {
  const files = await documentationFiles()
  const pages = files.filter((file) => dirname(file) === join(root, 'docs') && !file.endsWith('README.md'))
  const index = linksOf(await readFile(join(root, 'docs', 'README.md'), 'utf8')).map(({ target }) => target.split('#')[0])
  const front = linksOf(await readFile(join(root, 'README.md'), 'utf8')).map(({ target }) => target.split('#')[0])
  for (const page of pages) {
    const name = relative(join(root, 'docs'), page)
    t.ok(index.includes(name), `docs/README.md links to ${name}`)
    t.ok(front.includes(`docs/${name}`) || front.includes('docs/README.md'), `README.md reaches docs/${name}`)
  }
})
