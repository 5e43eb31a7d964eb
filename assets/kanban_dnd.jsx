// The board's drag and drop over @hello-pangea/dnd (accessible: mouse, touch and keyboard),
// with optimistic moves: a card dropped on a column it may move to is drawn there at the mouse
// release, marked pending until the server answers; a refusal puts it back (the reason comes
// as a toast). Reflex renders the columns and cards as plain children; this file only re-orders
// what it is given.
import React from "react";
import { flushSync } from "react-dom";
import { DragDropContext, Droppable, Draggable } from "@hello-pangea/dnd";

const Board = React.createContext(null);

// Runs after the browser has painted the current frame.
function afterPaint(fn) {
  requestAnimationFrame(() => setTimeout(fn, 0));
}
// A move the server has not answered within this time is taken back (the board reloads anyway).
const PENDING_TIMEOUT_MS = 15000;

// While a card is dragged, the columns it may not move to are dimmed (and say so to assistive
// technology). Each card carries its allowed target stages in data-allowed; the DOM is touched
// directly so that starting a drag costs no React render of the board.
function markLegalColumns(root, cardId, source) {
  if (!root) return;
  const card = root.querySelector(`[data-card-id="${cardId}"]`);
  const allowed = card && card.dataset.allowed ? card.dataset.allowed.split("|") : [];
  root.querySelectorAll("[data-column-stage]").forEach((column) => {
    const stage = column.dataset.columnStage;
    const legal = stage === source || allowed.includes(stage);
    column.dataset.legal = legal ? "true" : "false";
    column.style.opacity = legal ? "" : "0.45";
    column.setAttribute("aria-disabled", legal ? "false" : "true");
  });
}

function clearLegalColumns(root) {
  if (!root) return;
  root.querySelectorAll("[data-column-stage]").forEach((column) => {
    delete column.dataset.legal;
    column.style.opacity = "";
    column.removeAttribute("aria-disabled");
  });
}

// Only a move the card may make without a question (not a rejection or a correction, which open
// a dialog first) is drawn before the server answers.
function optimistic(root, cardId, target) {
  const card = root && root.querySelector(`[data-card-id="${cardId}"]`);
  if (!card) return false;
  const allowed = card.dataset.allowed ? card.dataset.allowed.split("|") : [];
  const asks = card.dataset.asks ? card.dataset.asks.split("|") : [];
  return allowed.includes(target) && !asks.includes(target);
}

export function KanbanBoard({ onMove, answered, children, ...rest }) {
  const root = React.useRef(null);
  const drag = React.useRef(null);
  const elements = React.useRef({});
  const [pending, setPending] = React.useState({});

  // The server answered every move up to `answered` (the columns now say where cards are). A card
  // the library is still dropping keeps its entry until the drop ends (see onDragEnd).
  React.useEffect(() => {
    setPending((current) => {
      let changed = false;
      const kept = {};
      for (const [id, m] of Object.entries(current)) {
        if (m.seq > (answered || 0)) kept[id] = m;
        else if (m.phase === "dropping") {
          kept[id] = m.answered ? m : { ...m, answered: true };
          changed = changed || !m.answered;
        } else changed = true;
      }
      return changed ? kept : current;
    });
  }, [answered]);

  const send = (cardId, source, target, phase) => {
    const seq = Date.now();
    const drawn = optimistic(root.current, cardId, target);
    if (drawn) {
      flushSync(() => setPending((p) => ({ ...p, [cardId]: { source, target, seq, phase } })));
      setTimeout(
        () => setPending((p) => (p[cardId] && p[cardId].seq === seq ? (({ [cardId]: _, ...rest }) => rest)(p) : p)),
        PENDING_TIMEOUT_MS,
      );
    }
    // Sending the event re-renders the page (Reflex marks it busy): once the card is painted in its
    // new column, not before.
    if (drawn) afterPaint(() => onMove(Number(cardId), target, source, seq));
    else onMove(Number(cardId), target, source, seq);
    return drawn;
  };

  // Mouse and touch drops are taken at the release itself, not when the library has finished
  // its drop (which comes later on a large board).
  React.useEffect(() => {
    const release = (event) => {
      const d = drag.current;
      if (!event.isTrusted || !d || d.mode !== "FLUID" || !d.destination || d.destination === d.source) return;
      d.sent = true;
      if (!send(d.id, d.source, d.destination, "dropping") || event.type !== "mouseup") return;
      // The library's own drop work (tens of milliseconds on a large board) would hold the next
      // paint: let the browser draw the card in its new column first, then hand the library the
      // same release.
      event.stopImmediatePropagation();
      const replay = new MouseEvent("mouseup", event);
      afterPaint(() => window.dispatchEvent(replay));
    };
    window.addEventListener("mouseup", release, true);
    window.addEventListener("touchend", release, true);
    return () => {
      window.removeEventListener("mouseup", release, true);
      window.removeEventListener("touchend", release, true);
    };
  }, []);

  const onDragStart = (start) => {
    drag.current = {
      id: start.draggableId,
      source: start.source.droppableId,
      destination: start.source.droppableId,
      mode: start.mode,
    };
    markLegalColumns(root.current, start.draggableId, start.source.droppableId);
  };
  const onDragUpdate = (update) => {
    if (drag.current) drag.current.destination = update.destination ? update.destination.droppableId : null;
  };
  const onDragEnd = (result) => {
    clearLegalColumns(root.current);
    const d = drag.current;
    drag.current = null;
    if (d && d.sent) {
      // The library has let go of the card: the real card may now take the ghost's place (or, if
      // the server has answered meanwhile, the columns it sent say where the card is).
      setPending((p) => {
        if (!p[d.id]) return p;
        if (p[d.id].answered) {
          const { [d.id]: _, ...rest } = p;
          return rest;
        }
        return { ...p, [d.id]: { ...p[d.id], phase: "moved" } };
      });
      return;
    }
    const { destination, source, draggableId } = result;
    if (!destination || destination.droppableId === source.droppableId) return;
    send(draggableId, source.droppableId, destination.droppableId, "moved");
  };
  return (
    <Board.Provider value={{ pending, elements }}>
      <DragDropContext onDragStart={onDragStart} onDragUpdate={onDragUpdate} onDragEnd={onDragEnd}>
        <div ref={root} {...rest}>
          {children}
        </div>
      </DragDropContext>
    </Board.Provider>
  );
}

// The cards among a column's children (Reflex nests them in fragments).
function cardsOf(children, found = []) {
  React.Children.forEach(children, (child) => {
    if (!React.isValidElement(child)) return;
    if (child.type === React.Fragment) cardsOf(child.props.children, found);
    else if (child.props && child.props.cardId !== undefined) found.push(child);
  });
  return found;
}

function arrange(stage, children, board) {
  const own = cardsOf(children);
  if (!board) return own;
  const { pending, elements } = board;
  own.forEach((card) => {
    elements.current[String(card.props.cardId)] = card;
  });
  const ownIds = new Set(own.map((card) => String(card.props.cardId)));
  const items = [];
  // Cards coming here: their content at once while the library still drops them, then themselves.
  for (const [id, move] of Object.entries(pending)) {
    const card = elements.current[id];
    if (move.target !== stage || !card) continue;
    if (move.phase === "dropping") {
      items.push(
        <div key={`pending-${id}`} data-card-id={id} data-dragging="false" data-pending="true" style={PENDING_STYLE}>
          {card.props.children}
        </div>,
      );
    } else if (!ownIds.has(id)) {
      items.push(React.cloneElement(card, { key: id, pending: true }));
    }
  }
  // A card being dropped stays mounted where the drag began (hidden), even if the server's answer
  // has already moved it: the library must not lose the element it is animating.
  for (const [id, move] of Object.entries(pending)) {
    const card = elements.current[id];
    if (move.phase === "dropping" && move.source === stage && !ownIds.has(id) && card) {
      items.push(React.cloneElement(card, { key: id, hidden: true }));
    }
  }
  for (const card of own) {
    const move = pending[String(card.props.cardId)];
    if (move && move.phase === "dropping") {
      if (move.source === stage) items.push(React.cloneElement(card, { hidden: true }));
      continue;
    }
    if (move && move.target !== stage) continue;
    items.push(card);
  }
  let index = 0;
  return items.map((item) => (item.props && item.props.cardId !== undefined ? React.cloneElement(item, { index: index++ }) : item));
}

const PENDING_STYLE = { marginBottom: "8px", opacity: 0.75 };

export function KanbanColumn({ stage, children, ...rest }) {
  const board = React.useContext(Board);
  return (
    <Droppable droppableId={stage}>
      {(provided, snapshot) => (
        <div
          ref={provided.innerRef}
          {...provided.droppableProps}
          data-stage={stage}
          data-over={snapshot.isDraggingOver ? "true" : "false"}
          {...rest}
        >
          {arrange(stage, children, board)}
          {provided.placeholder}
        </div>
      )}
    </Droppable>
  );
}

// The card is already over its new column when the mouse is released: settle it at once
// instead of the library's 0.33-0.55 s glide. (A zero duration would never fire the
// transitionend the library waits for.) A card drawn elsewhere meanwhile is hidden here.
function cardStyle(style, snapshot, hidden, pending) {
  let out = snapshot.isDropAnimating ? { ...style, transitionDuration: "0.001s" } : style;
  if (hidden) out = { ...out, visibility: "hidden" };
  if (pending) out = { ...out, opacity: 0.75 };
  return out;
}

function Card({ cardId, index, signature, readOnly, allowed, asks, hidden, pending, children, ...rest }) {
  return (
    <Draggable draggableId={String(cardId)} index={index} isDragDisabled={!!readOnly}>
      {(provided, snapshot) => (
        <div
          ref={provided.innerRef}
          {...provided.draggableProps}
          style={cardStyle(provided.draggableProps.style, snapshot, hidden, pending)}
          {...provided.dragHandleProps}
          // A card holds controls of its own (the ⋮ menu, links): as a group, not a button, it
          // may (a button's content is presentational). Space still picks it up.
          role="group"
          aria-roledescription="draggable card"
          data-card-id={cardId}
          data-allowed={allowed || ""}
          data-asks={asks || ""}
          data-pending={pending ? "true" : "false"}
          aria-busy={pending ? "true" : "false"}
          data-dragging={snapshot.isDragging ? "true" : "false"}
          {...rest}
        >
          {children}
        </div>
      )}
    </Draggable>
  );
}

// A board re-renders on every move; of its hundreds of cards only those whose content
// (the signature: every field the card shows) or position changed need to render again.
export const KanbanCard = React.memo(
  Card,
  (prev, next) =>
    prev.cardId === next.cardId &&
    prev.index === next.index &&
    prev.signature === next.signature &&
    prev.allowed === next.allowed &&
    prev.asks === next.asks &&
    prev.hidden === next.hidden &&
    prev.pending === next.pending &&
    prev.readOnly === next.readOnly,
);
