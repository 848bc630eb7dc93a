/** The `status` element named "Sync status". Without a configured server it reads "Local only". */
export function SyncStatus() {
  return (
    <div class="sync-status" role="status" aria-label="Sync status">
      Local only
    </div>
  );
}
