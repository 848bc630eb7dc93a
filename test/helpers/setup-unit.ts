/** Node unit tests run against fake-indexeddb: a complete in-memory IndexedDB. */
import 'fake-indexeddb/auto';
