// Thin wrappers over @hello-pangea/dnd (accessible drag and drop: mouse, touch and keyboard)
// so the Reflex board can use plain children instead of render-prop functions.
import React from "react";
import { DragDropContext, Droppable, Draggable } from "@hello-pangea/dnd";

// While a card is dragged, the columns it may not move to are dimmed (and say so to assistive
// technology). Each card carries its allowed target stages in data-allowed; the DOM is touched
// directly so that starting a drag costs no React render of the board.
function markLegalColumns(root, cardId, source) {
  if (!root) return;
  const card = root.querySelector(`[data-card-id="${cardId}"]`);
  const allowed = (card && card.dataset.allowed ? card.dataset.allowed.split("|") : []);
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

export function KanbanBoard({ onMove, children, ...rest }) {
  const root = React.useRef(null);
  const onDragStart = (start) => markLegalColumns(root.current, start.draggableId, start.source.droppableId);
  const onDragEnd = (result) => {
    clearLegalColumns(root.current);
    const { destination, source, draggableId } = result;
    if (!destination || destination.droppableId === source.droppableId) return;
    onMove(Number(draggableId), destination.droppableId, source.droppableId);
  };
  return (
    <DragDropContext onDragStart={onDragStart} onDragEnd={onDragEnd}>
      <div ref={root} {...rest}>{children}</div>
    </DragDropContext>
  );
}

export function KanbanColumn({ stage, children, ...rest }) {
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
          {children}
          {provided.placeholder}
        </div>
      )}
    </Droppable>
  );
}

// The card is already over its new column when the mouse is released: settle it at once
// instead of the library's 0.33-0.55 s glide, so the move is sent the moment the user drops.
// (A zero duration would never fire the transitionend the library waits for.)
function settleAtOnce(style, snapshot) {
  return snapshot.isDropAnimating ? { ...style, transitionDuration: "0.001s" } : style;
}

function Card({ cardId, index, signature, readOnly, allowed, children, ...rest }) {
  return (
    <Draggable draggableId={String(cardId)} index={index} isDragDisabled={!!readOnly}>
      {(provided, snapshot) => (
        <div
          ref={provided.innerRef}
          {...provided.draggableProps}
          style={settleAtOnce(provided.draggableProps.style, snapshot)}
          {...provided.dragHandleProps}
          data-card-id={cardId}
          data-allowed={allowed || ""}
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
    prev.readOnly === next.readOnly,
);
