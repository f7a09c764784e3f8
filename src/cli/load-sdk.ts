/**
 * The SDK, loaded when a command needs it rather than when the CLI starts: `--help`, `--version`
 * and commands served by a mount's `.control` file then load a few dozen modules instead of
 * every engine, server and front end (module loading is most of a short command's CPU time).
 */
export const loadSdk = () => import('../sdk/index.js');
