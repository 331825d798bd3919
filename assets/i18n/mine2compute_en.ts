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
    <message numerus="yes">
        <source>%n coin(s)</source>
        <translation>
            <numerusform>%n coin</numerusform>
            <numerusform>%n coins</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n block(s) mined</source>
        <translation>
            <numerusform>%n block mined</numerusform>
            <numerusform>%n blocks mined</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of {total} cores moved to AI at block {height}</source>
        <translation>
            <numerusform>%n of {total} cores moved to AI at block {height}</numerusform>
            <numerusform>%n of {total} cores moved to AI at block {height}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln core-second(s)</source>
        <translation>
            <numerusform>%Ln core-second</numerusform>
            <numerusform>%Ln core-seconds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln request(s) were cut short</source>
        <translation>
            <numerusform>%Ln request was cut short</numerusform>
            <numerusform>%Ln requests were cut short</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClassTab</name>
    <message numerus="yes">
        <source>%n connection(s)</source>
        <translation>
            <numerusform>%n connection</numerusform>
            <numerusform>%n connections</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n student(s)</source>
        <translation>
            <numerusform>%n student</numerusform>
            <numerusform>%n students</numerusform>
        </translation>
    </message>
</context>
</TS>
