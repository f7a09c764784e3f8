import { testEngines } from '../src/meta/testing/test-engines.js';
import { cloneSemantics } from './clone/clone-semantics.js';

for (const engine of testEngines()) {
  cloneSemantics(engine, 'root');
  cloneSemantics(engine, 'user');
}
