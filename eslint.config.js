import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/**
 * The layers of src/, lowest first (docs/ARCHITECTURE.md): a folder may import at run time only
 * from the folders before it. The settings contract (inputs/settings.ts) is the one thing every
 * layer may name, as a type only; the entry point (index, main, early-connections) is imported
 * by nothing.
 */
const Layers = ['common', 'transport', 'sign-in', 'doctors', 'call', 'many', 'inputs', 'report']
const EntryPoint = ['index', 'main', 'early-connections']

const layering = Layers.map((folder, index) => {
  const above = Layers.slice(index + 1)
  const patterns = [
    {
      regex: `^\\.\\./(${EntryPoint.join('|')})\\.js$`,
      message: 'The entry point is the top layer: pass what is needed in instead.'
    }
  ]
  if (above.length > 0) {
    patterns.push({
      regex: `^\\.\\./(${above.join('|')})/(?!settings\\.js$)`,
      message: `src/${folder}/ sits below ${above.join(', ')}: move the shared piece down or pass it in (docs/ARCHITECTURE.md).`
    })
  }
  if (above.includes('inputs')) {
    patterns.push({
      regex: '^\\.\\./inputs/settings\\.js$',
      allowTypeImports: true,
      message: 'Only the types of the settings may be imported from a lower layer: `import type`.'
    })
  }
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] }
  }
})

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: globals.node
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': 'off'
    }
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' }
  },
  ...layering
)
