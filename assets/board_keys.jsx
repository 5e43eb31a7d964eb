// The board's keyboard shortcuts. j / k move the focus to the next / previous card, o or Enter
// open the focused card's application, n opens it at the note box, x selects it, a advances it,
// r rejects it (or the selection), / goes to the search, ? lists the shortcuts. None of them fire
// while the person types in a field, while a dialog or a menu is open, or while a card is being
// dragged. Each is announced in the page's live region (#board-announcer). Moves and dialogs are
// the server's: `onKey(action, applicationId)` passes them on to the board's state.
import React from "react";

const CARD = '[data-testid="card"]';

// After a move by the keyboard or a menu, the focus stays on the moved card once it is drawn in its
// new column (it is a new element there, so the focus would fall to the page), unless the person has
// moved on to another control meanwhile. The server asks for it by name after each move.
if (typeof window !== "undefined") {
  window.flowtrackFocusCard = (cardId, stage) => {
    let tries = 0;
    const find = () => {
      const el = document.querySelector(`[data-card-id="${CSS.escape(String(cardId))}"]`);
      const at = el && el.closest("[data-column-stage]");
      const placed = at && at.dataset.columnStage === stage;
      const active = document.activeElement;
      const free =
        !active || active === document.body || active.closest("[data-card-id]") || active.closest("[role=menu]");
      if (el && (placed || tries > 30)) {
        if (free) el.focus();
        return;
      }
      if (tries++ < 60) requestAnimationFrame(find);
    };
    requestAnimationFrame(find);
  };
}

function typing(target) {
  if (!target || !target.closest) return false;
  if (target.isContentEditable) return true;
  const field = target.closest('input, textarea, select, [role="textbox"], [role="combobox"], [contenteditable="true"]');
  // A checkbox or a button is not typed in: the shortcuts still work there.
  return !!field && !(field.tagName === "INPUT" && ["checkbox", "radio", "button", "submit"].includes(field.type));
}

function overlayOpen() {
  return !!document.querySelector(
    '[role="dialog"], [role="alertdialog"], [role="menu"], [role="listbox"], [data-dragging="true"]',
  );
}

function visible(el) {
  return el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
}

function cards() {
  return [...document.querySelectorAll(CARD)].filter(visible);
}

function focusedCard() {
  const a = document.activeElement;
  return a && a.closest ? a.closest(CARD) : null;
}

function announce(text) {
  const region = document.getElementById("board-announcer");
  if (!region) return;
  // Cleared first, so the same words twice are announced twice.
  region.textContent = "";
  setTimeout(() => {
    region.textContent = text;
  }, 30);
}

function describe(card, all) {
  const column = card.closest("[data-column-stage]");
  const stage = column ? column.dataset.columnStage : "";
  const inColumn = column ? [...column.querySelectorAll(CARD)].filter(visible) : all;
  return `${card.dataset.name}, ${stage}, ${inColumn.indexOf(card) + 1} of ${inColumn.length}`;
}

function focusCard(card, all) {
  if (!card.hasAttribute("tabindex")) card.setAttribute("tabindex", "-1");
  card.focus();
  card.scrollIntoView({ block: "nearest", inline: "nearest" });
  announce(describe(card, all));
}

// After a client-side route change to the application page: the note box, once it is drawn.
function focusNoteBox() {
  let tries = 0;
  const find = () => {
    const box = document.querySelector('[data-testid="note-draft"]');
    if (box) {
      box.scrollIntoView({ block: "center" });
      box.focus();
      return;
    }
    if (tries++ < 100) setTimeout(find, 100);
  };
  setTimeout(find, 100);
}

export function BoardKeys({ onKey, canAct }) {
  const latest = React.useRef({ onKey, canAct });
  latest.current = { onKey, canAct };

  React.useEffect(() => {
    const onKeyDown = (event) => {
      if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
      if (typing(event.target) || overlayOpen()) return;
      const { onKey: send, canAct: acts } = latest.current;
      const key = event.key;
      const all = cards();
      const current = focusedCard();
      if (key === "?") {
        event.preventDefault();
        send("help", 0);
        return;
      }
      if (key === "/") {
        const search = document.querySelector('[data-testid="board-search"] input, input[data-testid="board-search"]');
        if (search) {
          event.preventDefault();
          search.focus();
          announce("Search");
        }
        return;
      }
      if (key === "j" || key === "k") {
        if (!all.length) {
          announce("No cards on the board.");
          return;
        }
        event.preventDefault();
        const at = current ? all.indexOf(current) : -1;
        const next =
          at < 0 ? (key === "j" ? 0 : all.length - 1) : Math.min(all.length - 1, Math.max(0, at + (key === "j" ? 1 : -1)));
        focusCard(all[next], all);
        return;
      }
      // The rest act on the focused card (Enter only on the card itself: its controls keep theirs).
      if (key === "Enter" && (!current || event.target !== current)) return;
      if (!["o", "Enter", "n", "x", "a", "r", "e"].includes(key)) return;
      if (!current) {
        if ((key === "r" || key === "e") && acts) {
          event.preventDefault();
          send(key === "r" ? "reject" : "email", 0);
          return;
        }
        announce("Focus a card first: j and k move between cards.");
        return;
      }
      const id = Number(current.dataset.cardId);
      const name = current.dataset.name;
      event.preventDefault();
      if (key === "o" || key === "Enter" || key === "n") {
        const link = current.querySelector('[data-testid="card-name"]');
        if (!link) return;
        announce(key === "n" ? `Opening ${name}'s application at the note box.` : `Opening ${name}'s application.`);
        link.click();
        if (key === "n") focusNoteBox();
        return;
      }
      if (!acts) {
        announce("This board is read-only for you.");
        return;
      }
      if (key === "x") {
        const box = current.querySelector('[data-testid="card-select"]');
        if (!box) return;
        announce(`${box.checked ? "Deselected" : "Selected"} ${name}.`);
        box.click();
        return;
      }
      if (key === "a") {
        const next = current.dataset.advance;
        announce(next ? `Advancing ${name} to ${next}.` : `${name} has no next stage.`);
        send("advance", id);
        return;
      }
      if (key === "r") {
        announce(`Rejecting ${name}: choose a reason.`);
        send("reject", id);
      }
      if (key === "e") {
        announce(`Emailing ${name}: choose a template.`);
        send("email", id);
      }
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);

  return null;
}
