import type { CommandDefinition } from '../command.js';
import { clone } from './clone.js';
import { config } from './config.js';
import { destroy } from './destroy.js';
import { dump } from './dump.js';
import { format } from './format.js';
import { fsck } from './fsck.js';
import { gateway } from './gateway.js';
import { gc } from './gc.js';
import { info } from './info.js';
import { load } from './load.js';
import { mount } from './mount.js';
import { objbench } from './objbench.js';
import { restore } from './restore.js';
import { quota } from './quota.js';
import { rmr } from './rmr.js';
import { warmup } from './warmup.js';
import { stats } from './stats.js';
import { status } from './status.js';
import { summary } from './summary.js';
import { umount } from './umount.js';
import { webdav } from './webdav.js';

/** Every CLI command, in the order --help lists them. */
export const commands: readonly CommandDefinition[] = [format, config, status, mount, umount, stats, gateway, clone, rmr, info, summary, quota, warmup, gc, fsck, restore, dump, load, destroy, objbench, webdav];
