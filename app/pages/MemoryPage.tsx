/**
 * The Memory page: what the user's home AI remembers, visible and correctable. "Ask your notes"
 * on top, then the regions "Preferences", "Learned", "Conversations" and "System", all read
 * from memos by their tags (app/memory, memory/parse.ts).
 */
import AskPanel from '../memory/AskPanel';
import { ConversationsSection } from '../memory/ConversationsSection';
import { LearnedSection } from '../memory/LearnedSection';
import { createMemoryMemos } from '../memory/memory-memos';
import { createMemoryModel } from '../memory/memory-model';
import { PreferencesSection } from '../memory/PreferencesSection';
import { SystemSection } from '../memory/SystemSection';
import { useApp } from '../state/app-context';

export default function MemoryPage() {
  const app = useApp();
  const memos = createMemoryMemos(app);
  const model = createMemoryModel(memos);
  const loading = () => !app.view.loaded() && memos().length === 0;
  return (
    <div class="memory">
      <h2 class="page-title">Memory</h2>
      <p class="hint">
        What your assistant remembers: memos tagged #preferences, #learned, #conversation and #system.
      </p>
      <AskPanel
        preferences={() => model.preferences().map((p) => ({ key: p.key, value: p.current.value }))}
      />
      <PreferencesSection preferences={model.preferences()} loading={loading()} />
      <LearnedSection items={model.learned()} loading={loading()} />
      <ConversationsSection days={model.conversations()} loading={loading()} />
      <SystemSection notes={model.system()} loading={loading()} />
    </div>
  );
}
