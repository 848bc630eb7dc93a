/**
 * Deterministic benchmark corpus: realistic personal/home-assistant memos generated from
 * templates (plus the hand-written fixture test/fixtures/recall/corpus.json), and queries
 * phrased the way people ask. Same seed, same texts, in Node and in the browser.
 * Pure: no I/O (the fixture is passed in).
 */

export function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

const PEOPLE = [
  'Anna',
  'Tom',
  'Mia',
  'Ben',
  'Lena',
  'Sarah',
  'Grandma',
  'Dad',
  'Mum',
  'Peter',
  'Clara',
  'Noah',
  'Ella',
  'Jan',
  'Ute',
  'Mrs. Yilmaz',
  'Dr. Weber',
  'Emma',
  'Jonas',
  'Aiko',
];
const PLACES = [
  'the bakery',
  'the station',
  'the office',
  'the garden centre',
  'the library',
  'the gym',
  'the lake',
  'the old town',
  'the market hall',
  'the harbour',
  'the school',
  'the pharmacy',
  'the town hall',
  'the ski hut',
  'the beach bar',
];
const FOODS = [
  'lentil soup',
  'pancakes',
  'risotto',
  'apple cake',
  'ramen',
  'guacamole',
  'tomato salad',
  'banana bread',
  'fish tacos',
  'pumpkin curry',
  'falafel',
  'potato gratin',
  'miso soup',
  'cheesecake',
  'stir-fried noodles',
];
const ITEMS = [
  'milk',
  'eggs',
  'coffee',
  'bread',
  'butter',
  'apples',
  'rice',
  'tofu',
  'cheese',
  'tomatoes',
  'oat milk',
  'yogurt',
  'pasta',
  'onions',
  'garlic',
  'lemons',
  'spinach',
  'chocolate',
  'dish soap',
  'batteries',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const TAGS = [
  'home',
  'family',
  'work',
  'health',
  'travel',
  'recipes',
  'garden',
  'money',
  'kids',
  'car',
  'ideas',
  'conversation',
];
const CITIES = [
  'Lisbon',
  'Vienna',
  'Kyoto',
  'Oslo',
  'Munich',
  'Barcelona',
  'Reykjavik',
  'Prague',
  'Edinburgh',
  'Bologna',
  'Copenhagen',
  'Seoul',
];
const DEVICES = [
  'router',
  'dishwasher',
  'boiler',
  'washing machine',
  'printer',
  'thermostat',
  'fridge',
  'bike',
  'laptop',
  'vacuum robot',
  'smoke detector',
  'garage door',
];
const TOPICS = [
  'the budget',
  'the release plan',
  'the school trip',
  'the kitchen renovation',
  'holiday dates',
  'the new intern',
  'the invoice template',
  'the backup strategy',
  'the garden shed',
  'the birthday party',
];

type Pick = <T>(list: readonly T[]) => T;

const TEMPLATES: Array<(p: Pick, n: (max: number) => number) => string> = [
  (p) => `Groceries: ${p(ITEMS)}, ${p(ITEMS)}, ${p(ITEMS)} and ${p(ITEMS)}`,
  (p, n) =>
    `Appointment with ${p(PEOPLE)} on ${p(DAYS)} at ${8 + n(10)}:${n(2) ? '30' : '00'} near ${p(PLACES)}`,
  (p) => `${p(PEOPLE)} prefers ${p(ITEMS)} over ${p(ITEMS)}; remember it when shopping`,
  (p) => `Recipe idea: ${p(FOODS)} with ${p(ITEMS)} and a bit of ${p(ITEMS)}, serves four`,
  (p) => `#conversation User asked how to store ${p(ITEMS)}; assistant suggested a cool dark shelf`,
  (p) => `#conversation User mentioned that ${p(PEOPLE)} is visiting in ${p(MONTHS)} and likes ${p(FOODS)}`,
  (p, n) => `The ${p(DEVICES)} makes a strange noise again; warranty until ${p(MONTHS)} ${2025 + n(3)}`,
  (p) => `Trip to ${p(CITIES)}: book the hotel near ${p(PLACES)}, try the local ${p(FOODS)}`,
  (p, n) => `Budget for ${p(MONTHS)}: groceries ${300 + n(400)} euros, transport ${50 + n(150)} euros`,
  (p) => `Meeting notes about ${p(TOPICS)}: ${p(PEOPLE)} will send a draft by ${p(DAYS)}`,
  (p) => `Birthday gift ideas for ${p(PEOPLE)}: a book about ${p(CITIES)}, ${p(FOODS)} cooking class`,
  (p, n) =>
    `Water the ${['tomatoes', 'basil', 'roses', 'ficus', 'orchid', 'lemon tree'][n(6)]} every ${p(DAYS)}, ${200 + n(6) * 100} ml`,
  (p) => `Reminder: call ${p(PEOPLE)} about ${p(TOPICS)} before ${p(DAYS)}`,
  (p, n) =>
    `Medication for ${p(PEOPLE)}: ${1 + n(2)} tablet(s) in the ${['morning', 'evening'][n(2)]} with ${p(ITEMS)}`,
  (p) =>
    `The ${p(DEVICES)} manual is in the drawer next to ${p(PLACES) === 'the office' ? 'the desk' : 'the stairs'}`,
  (p, n) => `Kids' schedule: ${p(PEOPLE)} has swimming on ${p(DAYS)} at ${14 + n(5)}:00`,
  (p) => `Packing list for ${p(CITIES)}: adapter, rain jacket, ${p(ITEMS)} snacks, passport`,
  (p) => `Idea: surprise ${p(PEOPLE)} with ${p(FOODS)} at ${p(PLACES)}`,
  (p, n) => `Electricity meter ${p(MONTHS)}: ${40_000 + n(9_000)} kWh, compare with last year`,
  (p) => `\`\`\`bash\n# back up the ${p(DEVICES)} settings\nrsync -av ~/config /mnt/nas/${p(TAGS)}\n\`\`\``,
  (p) =>
    `Einkaufsliste für ${p(DAYS)}: Brot, Käse, Äpfel und ${p(['Milch', 'Eier', 'Kaffee', 'Quark', 'Butter'])}`,
  (p) =>
    `Termin mit ${p(PEOPLE)} am ${p(['Montag', 'Dienstag', 'Mittwoch', 'Donnerstag', 'Freitag'])} wegen ${p(['Steuer', 'Urlaub', 'Heizung', 'Schule'])}`,
  (p) =>
    `${p(['買い物', '予定', 'メモ', '旅行'])}：${p(['牛乳', '卵', 'お米', '豆腐'])}と${p(['ねぎ', 'お茶', 'パン', 'りんご'])}を忘れないこと`,
  (p) => `#${p(TAGS)} ${p(PEOPLE)} said the ${p(DEVICES)} works better after a restart`,
  (p) => `Weekend plan: hike to ${p(PLACES)}, picnic with ${p(FOODS)}, back before dark`,
];

const QUESTIONS: Array<(p: Pick) => string> = [
  (p) => `what should I buy for ${p(FOODS)}`,
  (p) => `when do I see ${p(PEOPLE)} next`,
  (p) => `what does ${p(PEOPLE)} like to eat`,
  (p) => `how do I fix the ${p(DEVICES)}`,
  (p) => `ideas for a trip to ${p(CITIES)}`,
  (p) => `what was decided about ${p(TOPICS)}`,
  (p) => `present for ${p(PEOPLE)}`,
  (p) => `which plants need water on ${p(DAYS)}`,
  (p) => `how much did we spend in ${p(MONTHS)}`,
  () => `what do we need from the supermarket`,
];

export interface BenchMemo {
  content: string;
  tags: string[];
}

const NOTES = ['noted on', 'updated', 'mentioned by', 'checked again', 'see also'];

/** `count` distinct memos: the fixture first, then template memos with optional tags. */
export function generateMemos(count: number, fixture: readonly string[], seed = 7): string[] {
  const random = prng(seed);
  const n = (max: number) => Math.floor(random() * max);
  const p: Pick = (list) => list[n(list.length)] as (typeof list)[number];
  const memos = [...new Set(fixture)].slice(0, count);
  const seen = new Set(memos);
  while (memos.length < count) {
    const template = TEMPLATES[n(TEMPLATES.length)];
    if (!template) continue;
    const tag = random() < 0.3 ? ` #${p(TAGS)}` : '';
    let text = `${template(p, n)}${tag}`;
    // Rare collisions get a small, natural detail instead of being dropped.
    while (seen.has(text)) text = `${text} (${p(NOTES)} ${1 + n(28)} ${p(MONTHS)})`;
    seen.add(text);
    memos.push(text);
  }
  return memos;
}

export function generateQueries(count: number, seed = 11): string[] {
  const random = prng(seed);
  const p: Pick = (list) => list[Math.floor(random() * list.length)] as (typeof list)[number];
  return Array.from(
    { length: count },
    () => (QUESTIONS[Math.floor(random() * QUESTIONS.length)] ?? QUESTIONS[0])?.(p) ?? '',
  );
}
