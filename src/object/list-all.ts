import type { ObjectInfo, ObjectStore } from './object-store.js';

/** Every object under a prefix, page after page. */
export async function* listAll(store: ObjectStore, prefix = '', pageSize = 1000): AsyncGenerator<ObjectInfo> {
  let startAfter: string | undefined;
  for (;;) {
    const page = await store.list({ prefix, startAfter, limit: pageSize });
    yield* page.objects;
    if (page.next === undefined) return;
    startAfter = page.next;
  }
}

/** Every object under a prefix, one listing page at a time (bounded memory for whole-store passes). */
export async function* listPages(store: ObjectStore, prefix = '', pageSize = 1000): AsyncGenerator<ObjectInfo[]> {
  let startAfter: string | undefined;
  for (;;) {
    const page = await store.list({ prefix, startAfter, limit: pageSize });
    if (page.objects.length) yield page.objects;
    if (page.next === undefined) return;
    startAfter = page.next;
  }
}
