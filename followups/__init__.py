"""Follow-up e-mails after an abandoned visit (issue 19): a buyer viewed products and left without putting
anything in the cart or ordering; the next working day they get one e-mail with the product they viewed most
and two accessories other buyers put in the same orders, each with its premise in numbers.

- :mod:`followups.timing`: when a visit's e-mail falls due (the next working day at 09:00 in the shop's time
  zone, Polish public holidays off, or a fixed delay);
- :mod:`followups.content`: the viewed product and the two accessories from the store's co-purchase counts
  (minimum support, in stock, active, not bought by the company lately) -- pure functions;
- :mod:`followups.eligibility`: every check with the reason recorded when it fails (legal basis, profiling
  objection, unsubscribed, e-mail consent, address, ordered since, frequency cap, content, control arm);
- :mod:`followups.planner`: the dry run (``salesagent followups plan``) and the outbox rows it writes;
- :mod:`followups.render` and :mod:`followups.links`: Jinja2 templates, HTML with inlined CSS (css-inline)
  and a plain-text part in the company's language, signed tracked links and RFC 8058 one-click unsubscribe;
- :mod:`followups.transport` and :mod:`followups.sender`: SMTP by URL (or ``.eml`` files), atomic claims,
  consent re-checked at send time, retries with backoff, and the e-mail's impressions in the measurement log;
- :mod:`followups.tracking`: what the portal's public links do (click, unsubscribe, "why these products?");
- :mod:`followups.kpi`: e-mail CTR and the intent-to-treat comparison of eligible treatment and control;
- :mod:`followups.scheduler`: the thread ``salesagent serve`` runs.

Floor 4: it reads the store (``store.followups``), records impressions and asks the experiment arm through
``measurement``, and asks ``guardrails.consent`` who may be profiled; the portal and the roof call it. No model
is involved: the e-mail is assembled from store data, and the contact's name is filled in only when it is
rendered.
"""
