<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name></name>
    <message numerus="yes">
        <source>%n halving(s) so far (the {years} halving(s); subsidy {subsidy} BTC)</source>
        <translation>
            <numerusform>%n halving so far (the {years} halving; subsidy {subsidy} BTC)</numerusform>
            <numerusform>%n halvings so far (the {years} halvings; subsidy {subsidy} BTC)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>next halving ({year}) in %n block(s)</source>
        <translation>
            <numerusform>next halving ({year}) in %n block</numerusform>
            <numerusform>next halving ({year}) in %n blocks</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln block(s)</source>
        <translation>
            <numerusform>%Ln block</numerusform>
            <numerusform>%Ln blocks</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln core(s)</source>
        <translation>
            <numerusform>%Ln core</numerusform>
            <numerusform>%Ln cores</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source> of %n core(s)</source>
        <translation>
            <numerusform> of %n core</numerusform>
            <numerusform> of %n cores</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln block(s) found</source>
        <translation>
            <numerusform>%Ln block found</numerusform>
            <numerusform>%Ln blocks found</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n file(s) to {folder}</source>
        <translation>
            <numerusform>Exported %n file to {folder}</numerusform>
            <numerusform>Exported %n files to {folder}</numerusform>
        </translation>
    </message>
</context>
</TS>
