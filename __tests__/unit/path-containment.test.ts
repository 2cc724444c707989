import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { InputError } from '../../src/common/errors.js'
import {
  allowedFolders,
  containPath,
  isInside,
  resolveContainedPath,
  samePath
} from '../../src/common/path-containment.js'

// The containment rules run here with both `path` flavours, whatever this machine is: the
// Windows rules are proven on Linux and macOS too, and the POSIX ones on Windows.

const win = path.win32
const windowsEnv = { GITHUB_WORKSPACE: 'D:\\a\\repo\\repo', RUNNER_TEMP: 'D:\\a\\_temp' }
const posixEnv = { GITHUB_WORKSPACE: '/home/runner/work/repo', RUNNER_TEMP: '/home/runner/_temp' }

function windowsPath(given: string): string {
  const contained = containPath(given, windowsEnv, win)
  if ('problem' in contained) throw new Error(contained.problem)
  return contained.path
}

function windowsProblem(given: string): string {
  const contained = containPath(given, windowsEnv, win)
  return 'problem' in contained ? contained.problem : `accepted as ${contained.path}`
}

describe('containPath with path.win32: what lies inside', () => {
  it.each([
    ['a relative path', 'out\\body.json', 'D:\\a\\repo\\repo\\out\\body.json'],
    ['/ and \\ mixed', 'out/deeper\\body.json', 'D:\\a\\repo\\repo\\out\\deeper\\body.json'],
    ['.. that stays inside', 'out\\..\\body.json', 'D:\\a\\repo\\repo\\body.json'],
    ['a full path', 'D:\\a\\repo\\repo\\body.json', 'D:\\a\\repo\\repo\\body.json'],
    ['a lower-case drive letter', 'd:\\a\\repo\\repo\\body.json', 'D:\\a\\repo\\repo\\body.json'],
    ['the folder in another case', 'D:\\A\\REPO\\Repo\\Body.json', 'D:\\a\\repo\\repo\\Body.json'],
    ['a full path with /', 'D:/a/_temp/body.json', 'D:\\a\\_temp\\body.json'],
    ['RUNNER_TEMP in another case', 'd:\\A\\_TEMP\\x\\body.json', 'D:\\a\\_temp\\x\\body.json'],
    [
      'a path rooted on the current drive (\\a\\_temp\\x)',
      '\\a\\_temp\\x.json',
      'D:\\a\\_temp\\x.json'
    ],
    [
      'a name with a tilde that is no short name',
      'my~notes.json',
      'D:\\a\\repo\\repo\\my~notes.json'
    ],
    ['a name that only starts like a device', 'console.json', 'D:\\a\\repo\\repo\\console.json'],
    ['a name starting with two dots', '..body.json', 'D:\\a\\repo\\repo\\..body.json']
  ])('%s', (_, given, expected) => {
    expect(windowsPath(given)).toBe(expected)
  })

  it('reports the folder it lies in', () => {
    expect(containPath('D:\\A\\_TEMP\\r.jsonl', windowsEnv, win)).toEqual({
      path: 'D:\\a\\_temp\\r.jsonl',
      folder: { name: 'RUNNER_TEMP', folder: 'D:\\a\\_temp' }
    })
  })
})

describe('containPath with path.win32: what it refuses, saying why', () => {
  it.each([
    [
      '.. out of the workspace',
      '..\\other\\body.json',
      /^it resolves to D:\\a\\repo\\other\\body\.json, which is not inside GITHUB_WORKSPACE \(D:\\a\\repo\\repo\) or RUNNER_TEMP \(D:\\a\\_temp\)$/
    ],
    [
      '/ and \\ mixed out of it',
      'out/..\\../x.json',
      /^it resolves to D:\\a\\repo\\x\.json, which is not inside/
    ],
    [
      'another drive',
      'C:\\a\\repo\\repo\\body.json',
      /^it resolves to C:\\a\\repo\\repo\\body\.json, which is not inside/
    ],
    ['the folder itself', 'D:\\A\\REPO\\REPO', /which is not inside/],
    [
      'a folder that only starts like the workspace',
      'D:\\a\\repo\\repo-other\\x.json',
      /which is not inside/
    ],
    [
      'a path rooted on the current drive, elsewhere',
      '\\tmp\\x',
      /^it resolves to D:\\tmp\\x, which is not inside/
    ],
    [
      'a UNC share',
      '\\\\server\\share\\body.json',
      /^it resolves to \\\\server\\share\\body\.json, which is not inside/
    ],
    [
      'a UNC share with /',
      '//server/share/body.json',
      /^it resolves to \\\\server\\share\\body\.json, which is not inside/
    ],
    [
      'a \\\\?\\ long path, even to the workspace',
      '\\\\?\\D:\\a\\repo\\repo\\body.json',
      /^the \\\\\?\\ and \\\\\.\\ prefixes name raw paths and devices/
    ],
    ['a \\\\?\\UNC path', '\\\\?\\UNC\\server\\share\\x', /prefixes name raw paths and devices/],
    ['a \\\\.\\ device path', '\\\\.\\NUL', /prefixes name raw paths and devices/],
    ['a //?/ long path', '//?/D:/a/repo/repo/x', /prefixes name raw paths and devices/],
    [
      'C:relative',
      'D:body.json',
      /^D: without a \\ after it is relative to the current folder of that drive/
    ],
    ['c:relative on another drive', 'c:out\\x.json', /^c: without a \\ after it/],
    ['NUL', 'NUL', /^'NUL' is the Windows device NUL, not a file/],
    ['nul in lower case', 'out\\nul', /^'nul' is the Windows device NUL/],
    ['CON', 'CON', /^'CON' is the Windows device CON/],
    ['COM1', 'COM1', /^'COM1' is the Windows device COM1/],
    ['LPT9 with an extension', 'lpt9.txt', /^'lpt9\.txt' is the Windows device LPT9/],
    [
      'nul.json',
      'nul.json',
      /^'nul\.json' is the Windows device NUL, not a file \(with any extension\)$/
    ],
    ['NUL with two extensions', 'NUL.tar.gz', /is the Windows device NUL/],
    ['CONIN$', 'CONIN$', /is the Windows device CONIN\$/],
    ['a device name as a folder', 'aux\\body.json', /^'aux' is the Windows device AUX/],
    ['a device name with a space before the extension', 'nul .json', /is the Windows device NUL/],
    [
      'an alternate data stream',
      'out.json:stream',
      /^'out\.json:stream' names an alternate data stream/
    ],
    ['the default data stream spelled out', 'out.json::$DATA', /names an alternate data stream/],
    ['a stream on a folder', 'out:hidden\\x.json', /names an alternate data stream/],
    ['a stream on a full path', 'D:\\a\\repo\\repo\\out.json:s', /names an alternate data stream/],
    ['a trailing dot', 'body.json.', /^'body\.json\.' ends in a dot or space, which Windows drops/],
    ['a trailing space', 'body.json ', /ends in a dot or space/],
    ['a folder with a trailing dot', 'out.\\body.json', /^'out\.' ends in a dot or space/],
    ['three dots', '...\\body.json', /^'\.\.\.' ends in a dot or space/],
    ['a character Windows does not allow', 'a<b.json', /holds a character Windows does not allow/],
    ['a wildcard', 'a*.json', /holds a character Windows does not allow/],
    ['a control character', 'a\u0001b.json', /holds a character Windows does not allow/],
    [
      'an 8.3 short name',
      'REPORT~1.JSO',
      /^'REPORT~1\.JSO' looks like a Windows short \(8\.3\) name/
    ],
    ['an 8.3 short folder name', 'PROGRA~1\\x.json', /looks like a Windows short \(8\.3\) name/],
    ['a NUL character', 'out\u0000.json', /^a path cannot hold a NUL character$/]
  ])('%s', (_, given, problem) => {
    expect(windowsProblem(given)).toMatch(problem)
  })
})

describe('containPath with path.posix', () => {
  it.each([
    ['a relative path', 'out/body.json', '/home/runner/work/repo/out/body.json'],
    ['RUNNER_TEMP', '/home/runner/_temp/r.jsonl', '/home/runner/_temp/r.jsonl'],
    // Only Windows gives these names a meaning of their own.
    ['nul.json', 'nul.json', '/home/runner/work/repo/nul.json'],
    ['a colon', 'out.json:stream', '/home/runner/work/repo/out.json:stream'],
    ['a backslash, which is part of a name', 'a\\..\\..\\x', '/home/runner/work/repo/a\\..\\..\\x'],
    ['a trailing dot', 'body.', '/home/runner/work/repo/body.']
  ])('accepts %s', (_, given, expected) => {
    expect(containPath(given, posixEnv, path.posix)).toEqual({
      path: expected,
      folder: expect.objectContaining({ folder: expect.any(String) })
    })
  })

  it.each([
    ['.. out of the workspace', '../x.json'],
    ['another case of the workspace (POSIX names are case-sensitive)', '/HOME/runner/work/repo/x'],
    ['the folder itself', '/home/runner/_temp'],
    ['a sibling that starts like it', '/home/runner/_temp2/x']
  ])('refuses %s', (_, given) => {
    expect(containPath(given, posixEnv, path.posix)).toEqual({
      problem: expect.stringMatching(/^it resolves to \S+, which is not inside GITHUB_WORKSPACE/)
    })
  })
})

describe('isInside and samePath', () => {
  it('compare case-insensitively with path.win32, case-sensitively with path.posix', () => {
    expect(isInside('C:\\WORK\\x', 'c:\\work', win)).toBe(true)
    expect(isInside('/WORK/x', '/work', path.posix)).toBe(false)
    expect(samePath('C:\\Work\\R.jsonl', 'c:\\work\\r.JSONL', win)).toBe(true)
    expect(samePath('C:/work/r.jsonl', 'C:\\work\\r.jsonl', win)).toBe(true)
    expect(samePath('/work/R.jsonl', '/work/r.jsonl', path.posix)).toBe(false)
  })

  it('never put another drive or share below a folder', () => {
    expect(isInside('E:\\work\\x', 'D:\\work', win)).toBe(false)
    expect(isInside('\\\\server\\share\\work\\x', 'D:\\work', win)).toBe(false)
    expect(isInside('\\\\SERVER\\Share\\work\\x', '\\\\server\\share\\work', win)).toBe(true)
  })
})

describe('allowedFolders', () => {
  it('are the workspace first, then RUNNER_TEMP, as the runner spells them', () => {
    expect(allowedFolders(windowsEnv, win)).toEqual([
      { name: 'GITHUB_WORKSPACE', folder: 'D:\\a\\repo\\repo' },
      { name: 'RUNNER_TEMP', folder: 'D:\\a\\_temp' }
    ])
  })
})

describe('resolveContainedPath: the error names the input', () => {
  it('with what it resolved to and what is accepted', () => {
    expect(() =>
      resolveContainedPath('..\\x.json', windowsEnv, 'payload-file', 'payload.json', win)
    ).toThrow(
      new InputError(
        'payload-file',
        "Invalid payload-file '..\\x.json': it resolves to D:\\a\\repo\\x.json, which is not inside GITHUB_WORKSPACE (D:\\a\\repo\\repo) or RUNNER_TEMP (D:\\a\\_temp). Give a file path inside the workspace, e.g. payload.json, or under RUNNER_TEMP."
      )
    )
  })

  it('for a device name', () => {
    expect(() =>
      resolveContainedPath('out\\CON.json', windowsEnv, 'results-file', 'out/results.jsonl', win)
    ).toThrow(
      expect.objectContaining({
        input: 'results-file',
        message:
          "Invalid results-file 'out\\CON.json': 'CON.json' is the Windows device CON, not a file (with any extension). Give a file path inside the workspace, e.g. out/results.jsonl, or under RUNNER_TEMP."
      })
    )
  })

  it('returns the path in the runner spelling when it lies inside', () => {
    expect(
      resolveContainedPath('d:\\A\\REPO\\REPO\\x.json', windowsEnv, 'response-file', 'x', win)
    ).toBe('D:\\a\\repo\\repo\\x.json')
  })
})
