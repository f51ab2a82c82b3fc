// Microsoft's own Adaptive Cards parser (npm `adaptivecards`) as a long-lived checker: one JSON
// card per stdin line in, one JSON array of problems per stdout line out. It complements the
// JSON schema: the parser knows rules a schema cannot say (unique input ids, values it would
// drop while rendering, features newer than the card's target version).
"use strict";

const readline = require("node:readline");
const AC = require("adaptivecards/dist/adaptivecards.js");

const TARGET = AC.Versions.v1_5;

function problems(payload) {
  const found = [];
  const context = new AC.SerializationContext(TARGET);
  const card = new AC.AdaptiveCard();
  card.parse(payload, context);
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    found.push(`parse: ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  for (const event of card.validateProperties().validationEvents) {
    found.push(`validate: ${AC.ValidationEvent[event.event]}: ${event.message}`);
  }
  return found;
}

const lines = readline.createInterface({ input: process.stdin, terminal: false });
lines.on("line", (line) => {
  let answer;
  try {
    answer = problems(JSON.parse(line));
  } catch (error) {
    answer = [`parser failed: ${error && error.message ? error.message : String(error)}`];
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
