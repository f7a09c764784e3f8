import { cloneCliScenarios } from './clone/clone-cli-scenarios.js';

// test/clone-cli.test.ts as nobody: --meta clones by a user who may write the database. On
// SQLite, where the database is a file with permissions; the identity checks themselves are the
// same code on every engine (test/clone-user.test.ts runs the semantics as a non-root user on each).
cloneCliScenarios('nobody', { engines: ['sqlite3'] });
