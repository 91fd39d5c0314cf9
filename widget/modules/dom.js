// Every text from the bot, the directory or storage goes in as textContent or attribute values, never as HTML.
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function isString(value) {
  return typeof value === "string" && value.length > 0;
}
