// Enforces DESIGN §5: imports point down the layers only, and no import cycles.
//   cli|fuse|gateway|webdav → sdk → vfs → chunk → meta → object;  errors and concurrency are below everything.
// Every file under src/ counts, tests and conformance suites too (a unit test lives in its layer), and
// every form of relative import: `from '…'`, `from "…"`, `import '…'` and `import('…')`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The tree to check: the project (default) or another root, for the checker's own test.
process.chdir(process.argv[2] ?? '.');

const rank = { errors: 0, concurrency: 0, object: 1, meta: 2, chunk: 3, vfs: 4, sdk: 5, fuse: 6, gateway: 6, webdav: 6, cli: 7 };
const files = [];
(function walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (p.endsWith('.ts')) files.push(p);
  }
})('src');

/** Relative specifiers of static, side-effect and dynamic imports and re-exports. */
function relativeImports(text) {
  const forms = [
    /(?:^|[\s;}])(?:import|export)\s[^'"();]*?\bfrom\s*(['"])(\.[^'"]+)\1/g,
    /(?:^|[\s;])import\s*(['"])(\.[^'"]+)\1/g,
    /\bimport\s*\(\s*(['"])(\.[^'"]+)\1\s*\)/g,
  ];
  return forms.flatMap((form) => [...text.matchAll(form)].map((m) => m[2]));
}

const layerOf = (file) => path.relative('src', file).split(path.sep)[0];
const problems = [];
const graph = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const deps = [];
  for (const specifier of relativeImports(text)) {
    const target = path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts');
    deps.push(target);
    const [a, b] = [layerOf(file), layerOf(path.relative(process.cwd(), target))];
    if (a !== b && !(rank[a] > rank[b])) problems.push(`${file}: ${a} must not import ${b} (${specifier})`);
  }
  graph.set(path.resolve(file), deps);
}
const state = new Map();
function visit(node, stack) {
  if (state.get(node) === 2) return;
  if (state.get(node) === 1) {
    problems.push(`import cycle: ${[...stack.slice(stack.indexOf(node)), node].map((p) => path.relative(process.cwd(), p)).join(' → ')}`);
    return;
  }
  state.set(node, 1);
  for (const d of graph.get(node) ?? []) visit(d, [...stack, node]);
  state.set(node, 2);
}
for (const node of graph.keys()) visit(node, []);
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log(`layers ok: ${files.length} files, imports point down, no cycles`);
