/**
 * The app's long-lived services, created once per page: the database, the change feed
 * shared with other tabs, and the notebook. Real clock and randomness are bound here and
 * nowhere else in the UI.
 */
import {
  CHANGE_CHANNEL,
  type ChangeFeed,
  createChangeFeed,
  createNotebook,
  MemosDatabase,
  type Notebook,
} from '../../sync';

export interface AppServices {
  db: MemosDatabase;
  feed: ChangeFeed;
  notebook: Notebook;
  now: () => number;
}

let services: AppServices | undefined;

export function appServices(): AppServices {
  if (!services) {
    const db = new MemosDatabase();
    const feed = createChangeFeed(CHANGE_CHANNEL);
    const now = () => Date.now();
    services = { db, feed, now, notebook: createNotebook({ db, feed, now }) };
  }
  return services;
}
