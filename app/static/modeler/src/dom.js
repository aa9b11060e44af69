// Building small pieces of the workbench pages' DOM: h('li', { class: 'x', onclick: fn }, [children]).
export function h(tag, attrs, children) {
  const el = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([ key, value ]) => {
    if (key === 'class') {
      el.className = value;
    } else if (key.startsWith('on')) {
      el.addEventListener(key.slice(2), value);
    } else if (value != null) {
      el.setAttribute(key, value);
    }
  });
  [].concat(children == null ? [] : children).forEach((child) => {
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  });
  return el;
}
