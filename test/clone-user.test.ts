import { testEngines } from '../src/meta/testing/test-engines.js';
import { cloneSemantics } from './clone/clone-semantics.js';

// test/clone.test.ts with the clones made by a non-root user who owns the volume's root.
for (const engine of testEngines()) cloneSemantics(engine, 'user');
