"""The event-store app: send commands to bank accounts, travel back in time, watch the read side lag."""

import html

from .. import config
from ..ui import controls
from ..ui.app import App
from . import api, plots

ACCOUNTS = 5


class EventStoreApp(App):
    """A bank on a real event store in a temporary folder: commands, time travel, projections.

    Pick an account and a command: the figure shows what the aggregate would decide
    from its current state; *append* writes it. *versions back* replays the account
    as it was. The read side is caught up only when asked, so its lag shows.
    """

    title = "Event sourcing: commands in, events out, state and read models from the log"

    def __init__(self, lab=None, **initial):
        self.lab = lab if lab is not None else api.Lab()
        if lab is None:
            self.lab.run_random(config.EVENTSOURCING_APP_COMMANDS, ACCOUNTS, seed=config.SEED)
            self.lab.catch_up()
        super().__init__(**initial)

    def make_controls(self):
        streams = [f"account-{i}" for i in range(ACCOUNTS)]
        return {
            "account": controls.dropdown("account", streams),
            "command": controls.dropdown("command", list(api.COMMANDS), value="deposit"),
            "amount": controls.int_slider(
                "amount (cents)", 2_500, 1, 20_000, why="Up to 200.00 in one command"
            ),
            "back": controls.int_slider(
                "versions back", 0, 0, 30, why="Up to 30 events back in the account's stream"
            ),
        }

    def make_actions(self):
        return {
            "append command": self.append,
            "10 random commands": self.random,
            "catch up read side": self.lab.catch_up,
            "rebuild read side": self.lab.rebuild,
            "forget owner": self.forget,
        }

    def _command(self):
        v = self.values()
        return {"type": v["command"], "amount": v["amount"], "owner": f"owner of {v['account']}"}

    def append(self):
        self.lab.run(self.values()["account"], self._command())

    def random(self):
        self.lab.run_random(10, ACCOUNTS, seed=self.lab.store.head())

    def forget(self):
        self.lab.forget(self.values()["account"])

    def compute(self, account, command, amount, back):
        try:
            preview = self.lab.preview(account, self._command())
            note = f"{command} {amount}: would append " + ", ".join(
                f"{e['type']} {e['data'].get('amount', '')}".strip() for e in preview
            )
        except api.CommandRejected as e:
            note = f"{command} {amount}: rejected ({e})"
        latest = self.lab.store.version(account)
        at = max(latest - back, 0)
        state = self.lab.state(account, until=at)
        note += (
            f" · owner: {html.escape(str(self.lab.owner(account)))} · state at v{at}: balance {state.balance}"
        )
        streams = [value for _, value in self.controls["account"].options]  # (label, value) pairs
        write = {s: self.lab.state(s).balance for s in streams}
        read = dict(self.lab.read.table("balances")[["stream", "balance"]].itertuples(index=False))
        return {
            "history": self.lab.history(account),
            "account": account,
            "at": at,
            "note": note,
            "write": write,
            "read": read,
            "lag": self.lab.lag(),
            "log": self.lab.log(12),
        }

    def figures(self, r):
        return [
            plots.account_history(r["history"], r["account"], r["at"], r["note"]),
            plots.read_vs_write(r["write"], r["read"], r["lag"]),
            plots.event_log(r["log"]),
        ]
