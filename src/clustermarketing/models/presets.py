"""The ten presets of MODEL.md §5. Values are illustrative defaults, documented in docs/model.md."""

from __future__ import annotations

from clustermarketing.models.base import Preset, register

register(
    Preset(
        name="independent",
        title="Independent marketing (baseline)",
        family="baseline",
        seed="000/003/004",
        summary="Every firm runs the functions it can afford alone; no cooperative, no structure.",
        settings={"structure": {"kind": "none"}, "pooled_functions": []},
    )
)

register(
    Preset(
        name="collective_mark",
        title="Collective mark",
        family="traditional",
        seed="000 (Table 1)",
        summary=(
            "A chamber of commerce holds a shared trademark: members pay dues plus a per-unit "
            "maintenance fee, follow quality rules and are monitored by the chamber; pooled brand "
            "building feeds the regional brand that members sell under."
        ),
        settings={
            "structure": {"kind": "star", "hub": "", "centre_monitoring": 0.8},
            "pooled_functions": ["brand_building", "information_dissemination"],
            "uses_regional_brand": True,
            "function_interest": {"rule": "dues", "dues_fixed_share": 0.5},
            "regulation": {
                "quality_standard": 0.6,
                "monitoring": 1.0,
                "fine": 300.0,
                "exclusion": 0.5,
                "norm_strength": 100.0,
            },
            "contract": {"per_unit_fee": 0.05, "enforcement": 0.2, "breach_penalty": 100.0},
        },
    )
)

register(
    Preset(
        name="share_marketing_channel",
        title="Share marketing channel",
        family="traditional",
        seed="000 (Table 1), 001 §4.3",
        summary=(
            "Members pool channel development and market access in an open network: shared "
            "channel capacity is rival and allocated by need, channel power and costs split in "
            "proportion to volume, rules rest on trust, members sign transaction contracts."
        ),
        settings={
            "structure": {"kind": "network", "extra_links": 2.0, "peer_monitoring": 0.15},
            "pooled_functions": ["channel_development", "market_access"],
            "shared_channel": True,
            "function_interest": {"rule": "proportional"},
            "regulation": {
                "monitoring": 1.0,
                "fine": 150.0,
                "exclusion": 0.3,
                "norm_strength": 200.0,
            },
            "contract": {
                "per_unit_fee": 0.1,
                "enforcement": 0.3,
                "breach_penalty": 200.0,
                "contracting_cost": 20.0,
            },
        },
    )
)

register(
    Preset(
        name="exhibition_promotion",
        title="Exhibition promotion",
        family="high-tech",
        seed="000",
        summary=(
            "A government agency stages a periodic fair: joint promotion, buyer matching that "
            "opens new markets, new-market development, a subsidy, and a pull on entrants."
        ),
        settings={
            "structure": {"kind": "star", "hub": "", "centre_monitoring": 0.5},
            "pooled_functions": [
                "sales_promotion",
                "customer_acquisition",
                "new_market_development",
            ],
            "function_interest": {"rule": "equal"},
            "regulation": {
                "monitoring": 1.0,
                "fine": 100.0,
                "exclusion": 0.5,
                "norm_strength": 50.0,
            },
            "fairs": {
                "interval": 4,
                "promotion_multiplier": 3.0,
                "buyer_matching": 0.3,
                "entry_boost": 1.0,
                "cost": 5000.0,
            },
        },
    )
)

_PLANNED = {
    "see_the_customer": (
        "See the customer",
        "traditional",
        "000 (Table 1)",
        "Intermediary agents bring orders for a commission after bargaining.",
    ),
    "cluster_brand": (
        "Cluster brand",
        "high-tech",
        "000",
        "Three brand tiers (regional, corporate, product) with spillovers.",
    ),
    "channel_network_sharing": (
        "Channel network sharing",
        "high-tech",
        "000",
        "Spare channel capacity rented to complementary firms; B2B/B2C.",
    ),
    "leading_enterprise_traction": (
        "Leading enterprise traction",
        "high-tech",
        "000",
        "SMEs license the leader's brand or supply it; leader shares research.",
    ),
    "cooperative_rnd": (
        "Cooperative R&D",
        "high-tech",
        "000",
        "Pooled product development with research institutes; IP contracts.",
    ),
    "marketing_alliance": (
        "Marketing alliance",
        "high-tech",
        "000",
        "Brand sharing, product matching, channel interdependence, joint promotion.",
    ),
}
for _name, (_title, _family, _seed, _summary) in _PLANNED.items():
    register(Preset(_name, _title, _family, _seed, _summary, implemented=False))
